"""Synthetic receipts for the integrity tests and benches (issue 15).

``draw_receipt(rng)`` draws a varied receipt photo: one of the fonts found on the machine, one of
several layouts (narrow thermal slip, wide invoice, handwritten-like note), items, totals, a date
and a number, paper noise and skew, on a table-coloured background. ``transform(img, kind, rng)``
applies what a fraudster does to a colleague's receipt: re-encode, resize, crop up to 10%,
brightness/contrast, rotate 90/180, photograph a screen showing it. Everything is seeded: the
same ``random.Random`` seed draws the same receipt.
"""

from __future__ import annotations

import glob
import io
import random

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

FONT_FILES = sorted(
    f
    for pattern in ("/usr/share/fonts/truetype/**/*.ttf", "/usr/share/fonts/opentype/**/*.otf")
    for f in glob.glob(pattern, recursive=True)
    if "MathTeX" not in f
)
LAYOUTS = ("thermal", "invoice", "note")
TRANSFORMS = (
    "reencode",
    "resize",
    "crop",
    "brightness",
    "rotate90",
    "rotate180",
    "screen",
)
ITEMS = (
    "Nasi pecel",
    "Es teh manis",
    "Kopi tubruk",
    "Beras 5 kg",
    "Gula pasir 1 kg",
    "Minyak goreng 2 L",
    "Batik tulis",
    "Keripik tempe",
    "Sabun cuci",
    "Telur 1 kg",
    "Tahu goreng",
    "Soto ayam",
    "Kerupuk",
    "Jamu kunyit",
    "Bolu kukus",
)
SELLERS = (
    "Warung Bu Sri",
    "Toko Makmur Jaya",
    "UD Sumber Rejeki",
    "Batik Jonegoroan",
    "Kedai Kopi Ledre",
    "Toko Berkah",
    "Depot Soto Pak No",
    "Sembako Barokah",
)


def _font(rng: random.Random, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if not FONT_FILES:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(rng.choice(FONT_FILES), size)


def _rupiah(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def draw_receipt(rng: random.Random, *, amount: int | None = None) -> Image.Image:
    """A photo of a receipt on a table."""
    layout = rng.choice(LAYOUTS)
    width = {"thermal": rng.randint(300, 380), "invoice": rng.randint(560, 700)}.get(
        layout, rng.randint(420, 520)
    )
    size = rng.randint(15, 22)
    font = _font(rng, size)
    big = _font(rng, size + 6)
    lines: list[tuple[str, object]] = [(rng.choice(SELLERS), big)]
    lines.append(
        (
            f"Jl. {rng.choice(['Panglima Sudirman', 'Diponegoro', 'Gajah Mada'])} "
            f"{rng.randint(1, 200)}",
            font,
        )
    )
    lines.append((f"Telp 08{rng.randint(100000000, 999999999)}", font))
    lines.append(
        (
            f"No. {rng.randint(1000, 99999)}   {rng.randint(1, 28):02d}/"
            f"{rng.randint(1, 12):02d}/2026 {rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}",
            font,
        )
    )
    lines.append(("-" * 40, font))
    total = 0
    for _ in range(rng.randint(2, 9)):
        qty, price = rng.randint(1, 4), rng.randint(2, 60) * 1000
        total += qty * price
        lines.append((f"{rng.choice(ITEMS)} x{qty}  {_rupiah(qty * price)}", font))
    if amount is not None:
        total = amount
    lines.append(("-" * 40, font))
    lines.append((f"{rng.choice(['TOTAL', 'JUMLAH', 'GRAND TOTAL'])}  Rp {_rupiah(total)}", big))
    lines.append(
        (
            rng.choice(
                ["Terima kasih", "Barang yang sudah dibeli tidak dapat ditukar", "Matur nuwun", ""]
            ),
            font,
        )
    )
    height = 30 + sum(size + 12 for _ in lines) + rng.randint(10, 80)
    paper = Image.new("L", (width, height), rng.randint(225, 255))
    d = ImageDraw.Draw(paper)
    y = 20
    for text, f in lines:
        x = rng.randint(10, 30) if layout != "invoice" else rng.randint(20, 60)
        d.text((x, y), text, fill=rng.randint(0, 60), font=f)
        y += size + 12
    # paper noise: specks and a faint gradient
    for _ in range(rng.randint(50, 400)):
        px, py = rng.randrange(width), rng.randrange(height)
        paper.putpixel((px, py), rng.randint(150, 255))
    paper = paper.convert("RGB")
    tint = (rng.randint(235, 255), rng.randint(235, 255), rng.randint(220, 250))
    paper = Image.blend(paper, Image.new("RGB", paper.size, tint), 0.15)
    paper = paper.rotate(rng.uniform(-4, 4), expand=True, fillcolor=(0, 0, 0, 0))
    # on a table
    mx, my = rng.randint(20, 90), rng.randint(20, 90)
    table = (rng.randint(40, 130), rng.randint(30, 100), rng.randint(20, 80))
    photo = Image.new("RGB", (paper.width + 2 * mx, paper.height + 2 * my), table)
    mask = paper.convert("L").point(lambda v: 255 if v > 0 else 0)
    photo.paste(paper, (mx, my), mask)
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.8)))
    return photo


def transform(img: Image.Image, kind: str, rng: random.Random) -> Image.Image:
    if kind == "reencode":
        return Image.open(io.BytesIO(jpeg(img, quality=rng.randint(40, 70)))).convert("RGB")
    if kind == "resize":
        f = rng.uniform(0.4, 0.8) if rng.random() < 0.7 else rng.uniform(1.2, 1.8)
        return img.resize((int(img.width * f), int(img.height * f)))
    if kind == "crop":
        w, h = img.size
        left, top = int(w * rng.uniform(0, 0.05)), int(h * rng.uniform(0, 0.05))
        right, bottom = w - int(w * rng.uniform(0, 0.05)), h - int(h * rng.uniform(0, 0.05))
        return img.crop((left, top, right, bottom))
    if kind == "brightness":
        img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.6, 1.4))
        return ImageEnhance.Contrast(img).enhance(rng.uniform(0.6, 1.4))
    if kind == "rotate90":
        return img.rotate(rng.choice([90, 270]), expand=True)
    if kind == "rotate180":
        return img.rotate(180, expand=True)
    if kind == "screen":
        return photo_of_screen(img, rng)
    raise ValueError(kind)


def photo_of_screen(img: Image.Image, rng: random.Random) -> Image.Image:
    """The receipt shown on a phone screen and photographed: a bezel, a blue-ish cast, scan
    lines (moiré), a little blur, a slight perspective and a different size."""
    shown = img.resize((int(img.width * 0.8), int(img.height * 0.8)))
    shown = ImageEnhance.Color(shown).enhance(0.8)
    shown = Image.blend(shown, Image.new("RGB", shown.size, (180, 200, 255)), 0.12)
    d = ImageDraw.Draw(shown)
    step = rng.randint(3, 5)
    for y in range(0, shown.height, step):
        d.line([(0, y), (shown.width, y)], fill=(0, 0, 0), width=1)
    shown = Image.blend(img.resize(shown.size), shown, 0.35)
    bezel = rng.randint(15, 40)
    screen = ImageOps.expand(shown, border=bezel, fill=(15, 15, 20))
    w, h = screen.size
    dx = int(w * rng.uniform(0.0, 0.04))
    screen = screen.transform(
        (w, h),
        Image.Transform.QUAD,
        (dx, 0, 0, h, w, h, w - dx, 0),
        Image.Resampling.BILINEAR,
    )
    return screen.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))


def jpeg(img: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG")
    return buf.getvalue()
