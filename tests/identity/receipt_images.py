"""A receipt rendered with Pillow (DejaVu fonts), for the OCR tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"


def receipt_lines(*, seller="WARUNG MAKAN BU SRI", phone="0812-3456-7890", number="INV-00123",
                  date="12/10/2026", total="Rp 40.000,-"):  # fmt: skip
    return [
        (seller, True),
        ("Jl. Panglima Sudirman 12", False),
        (f"Telp. {phone}", False),
        (f"No. Nota: {number}", False),
        (f"Tgl: {date} 13:45", False),
        ("--------------------------------", False),
        ("Nasi Rawon  2 x 15.000   30.000", False),
        ("Es Teh      2 x 5.000    10.000", False),
        ("--------------------------------", False),
        (f"TOTAL          {total}", True),
        ("Tunai                    50.000", False),
        ("Terima kasih", False),
    ]


def receipt_png(**kwargs) -> bytes:
    lines = receipt_lines(**kwargs)
    font, bold = ImageFont.truetype(FONT, 26), ImageFont.truetype(FONT_BOLD, 26)
    img = Image.new("L", (620, 60 + 40 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, (text, strong) in enumerate(lines):
        draw.text((30, 30 + 40 * i), text, fill=0, font=bold if strong else font)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


def receipt_file(**kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile("nota.png", receipt_png(**kwargs), content_type="image/png")
