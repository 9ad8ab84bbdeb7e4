"""Receipt-like images made on the fly (demo data and tests never download anything)."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def receipt_image_bytes(
    *,
    seed: int = 0,
    fmt: str = "JPEG",
    lines: list[str] | None = None,
    size: tuple[int, int] = (240, 360),
) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(img)
    y = 10
    for text in lines or [f"NOTA #{seed}", "Terima kasih"]:
        draw.text((12, y), text, fill=(20, 20, 20))
        y += 16
    for _ in range(8):
        draw.line((12, y, size[0] - 12, y), fill=(rng.randint(0, 120),) * 3)
        y += 12
    draw.text((12, size[1] - 24), f"{rng.randint(1000, 999999)}", fill=(0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def receipt_upload(
    *, seed: int = 0, name: str = "nota.jpg", fmt: str = "JPEG", **kwargs
) -> SimpleUploadedFile:
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(
        name, receipt_image_bytes(seed=seed, fmt=fmt, **kwargs), content_type=content_type
    )
