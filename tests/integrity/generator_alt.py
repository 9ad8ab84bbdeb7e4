"""A second, independent receipt drawer (issue 15, docs/adr/0230).

``generator.py`` tuned the near-duplicate rule; this one checks it on receipts drawn differently
on purpose, as an outside evaluation will: a shop *template* (paper width and aspect ratio, a
logo, boxes and rules, a font: Pillow's built-in bitmap font scaled up like a dot-matrix or
thermal head, or its built-in vector font, or a DejaVu face) is filled with *contents* (items,
totals, dates, numbers, a handwritten-like total), printed with a thermal look (faded, uneven
ink, streaks) and photographed with a phone: perspective warp, a shadow, a textured background,
1-3 megapixels, JPEG quality 40-90. ``alt_transform`` does what the issue names (re-encode,
resize, crop up to 10%, brightness/contrast, rotation 90/180, a photo of a screen) in its own
way. Seeded: the same ``random.Random`` draws the same picture.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from tests.integrity.generator import FONT_FILES

TRANSFORMS = ("reencode", "resize", "crop", "brightness", "rotate90", "rotate180", "screen")

GOODS = (
    "Pisang goreng",
    "Ledre pisang",
    "Tempe mendoan",
    "Air mineral 600ml",
    "Rokok kretek",
    "Pulsa 25rb",
    "Bensin eceran",
    "Kain batik cap",
    "Sandal jepit",
    "Mie instan",
    "Teh celup",
    "Kecap manis",
    "Sambal pecel",
    "Ayam goreng",
    "Es jeruk",
    "Roti bakar",
    "Gas LPG 3kg",
    "Ember plastik",
)
SHOPS = (
    "KOPERASI MITRA USAHA",
    "Toko Sinar Terang",
    "RM Lestari Rasa",
    "Apotek Sehat Bojonegoro",
    "Mini Market Ceria",
    "CV Karya Tani",
    "Bengkel Motor Jaya",
    "Pracangan Mbak Tin",
)


@dataclass(frozen=True)
class Template:
    """What one shop prints every time; only the contents change."""

    shop: str
    address: str
    width: int
    font_kind: str  # "bitmap" | "builtin" | "dejavu"
    font_file: str
    size: int
    logo: str  # "circle" | "box" | "none"
    ruler: str  # the separator character
    boxed_total: bool
    footer: str
    ink: int  # darkness of the head, 0 black .. 140 faded
    paper: int


def template(rng: random.Random) -> Template:
    kind = rng.choice(("thermal58", "thermal80", "a6", "half_letter"))
    width = {
        "thermal58": rng.randint(220, 290),
        "thermal80": rng.randint(380, 460),
        "a6": rng.randint(480, 560),
        "half_letter": rng.randint(700, 820),
    }[kind]
    return Template(
        shop=rng.choice(SHOPS),
        address=f"{rng.choice(['Jl. Rajekwesi', 'Jl. Veteran', 'Jl. Untung Suropati'])} "
        f"No.{rng.randint(1, 99)}, Bojonegoro",
        width=width,
        font_kind=rng.choice(("bitmap", "builtin", "dejavu")),
        font_file=rng.choice(FONT_FILES) if FONT_FILES else "",
        size=rng.randint(13, 20),
        logo=rng.choice(("circle", "box", "none")),
        ruler=rng.choice(("=", ".", "_", "*")),
        boxed_total=rng.random() < 0.5,
        footer=rng.choice(
            ("** LUNAS **", "Simpan struk ini sebagai bukti", "Selamat belanja kembali", "")
        ),
        ink=rng.randint(0, 140),
        paper=rng.randint(230, 255),
    )


def _rp(n: int) -> str:
    return "Rp" + f"{n:,}".replace(",", ".")


def _text_image(text: str, t: Template, scale: float = 1.0) -> Image.Image:
    """The text as a white-on-black mask ('L'), in the template's font."""
    size = max(8, round(t.size * scale))
    if t.font_kind == "bitmap":
        font = ImageFont.load_default_imagefont()
        box = font.getbbox(text)
        mask = Image.new("L", (max(1, box[2]) + 2, 13), 0)
        ImageDraw.Draw(mask).text((1, 1), text, fill=255, font=font)
        factor = size / 11
        return mask.resize(
            (max(1, round(mask.width * factor)), max(1, round(mask.height * factor))),
            Image.Resampling.NEAREST,
        )
    if t.font_kind == "builtin" or not t.font_file:
        font = ImageFont.load_default(size=size)
    else:
        font = ImageFont.truetype(t.font_file, size)
    box = font.getbbox(text)
    mask = Image.new("L", (max(1, box[2]) + 4, max(1, box[3]) + 4), 0)
    ImageDraw.Draw(mask).text((2, 2), text, fill=255, font=font)
    return mask


def _handwritten(text: str, height: int, rng: random.Random) -> Image.Image:
    """A pen-written amount: each character on its own, turned, shifted and scaled a little."""
    font = ImageFont.load_default(size=height)
    out = Image.new("L", (height * len(text) + 20, height * 2), 0)
    x = 6
    for ch in text:
        glyph = Image.new("L", (height * 2, height * 2), 0)
        ImageDraw.Draw(glyph).text(
            (height // 2, height // 3), ch, fill=255, font=font, stroke_width=1, stroke_fill=255
        )
        glyph = glyph.rotate(rng.uniform(-14, 14), resample=Image.Resampling.BILINEAR)
        out.paste(glyph, (x - height // 2, rng.randint(-4, 4)), glyph)
        x += int(font.getlength(ch) * rng.uniform(0.85, 1.15)) + 1
    d = ImageDraw.Draw(out)  # an underline stroke
    y = int(height * 1.45)
    d.line([(4, y + rng.randint(-3, 3)), (x, y + rng.randint(-3, 3))], fill=255, width=2)
    return out.crop((0, 0, x + 8, out.height))


def contents(rng: random.Random, n_items: int | None = None) -> dict:
    items = []
    for _ in range(n_items or rng.randint(1, 10)):
        qty, price = rng.randint(1, 6), rng.randint(1, 90) * 500
        items.append((rng.choice(GOODS), qty, price))
    return {
        "number": f"{rng.choice(['TRX', 'INV', 'NO'])}-{rng.randint(10000, 999999)}",
        "when": f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-2026 "
        f"{rng.randint(6, 22):02d}.{rng.randint(0, 59):02d}",
        "cashier": rng.choice(("Kasir: Dewi", "Kasir: Agus", "Kasir: 02", "Op: Rina")),
        "items": items,
        "paid_cash": rng.random() < 0.6,
        "handwritten": rng.random() < 0.35,
    }


def print_receipt(t: Template, c: dict, rng: random.Random) -> Image.Image:
    """The printed slip (grayscale), before it is photographed."""
    w = t.width
    lh = round(t.size * 1.45)
    rows = 9 + len(c["items"]) * (2 if w < 330 else 1)
    h = 40 + (90 if t.logo != "none" else 0) + rows * lh + (3 * lh if c["handwritten"] else 0)
    ink_layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(ink_layer)
    y = 16

    def put(text, *, align="left", scale=1.0, x=None):
        nonlocal y
        m = _text_image(text, t, scale)
        if m.width > w - 12:
            m = m.resize((w - 12, m.height))
        px = x if x is not None else {"left": 10, "center": (w - m.width) // 2}.get(align)
        if align == "right":
            px = w - m.width - 10
        ink_layer.paste(255, (px, y), m)
        return m

    if t.logo == "circle":
        r = 34
        d.ellipse([(w // 2 - r, y), (w // 2 + r, y + 2 * r)], outline=255, width=4)
        initials = "".join(part[0] for part in t.shop.split()[:2]).upper()
        m = _text_image(initials, t, 1.8)
        ink_layer.paste(255, (w // 2 - m.width // 2, y + r - m.height // 2), m)
        y += 2 * r + 10
    elif t.logo == "box":
        d.rectangle([(10, y), (w - 10, y + 70)], fill=255)
        m = _text_image(t.shop.split()[0].upper(), t, 2.0)
        m = m.resize((min(m.width, w - 40), m.height))
        ink_layer.paste(0, ((w - m.width) // 2, y + 35 - m.height // 2), m)
        y += 80
    put(t.shop, align="center", scale=1.25)
    y += round(lh * 1.3)
    put(t.address, align="center", scale=0.85)
    y += lh
    rule = t.ruler * max(8, w // max(6, t.size // 2 + 2))
    put(rule, align="center")
    y += lh
    put(c["number"])
    y += lh
    put(c["when"])
    y += lh
    put(c["cashier"])
    y += lh
    d.line([(8, y + lh // 3), (w - 8, y + lh // 3)], fill=255, width=1)
    y += lh // 2 + 4
    total = 0
    for name, qty, price in c["items"]:
        total += qty * price
        if w < 330:
            put(name)
            y += lh
            put(f"{qty} x {price:,}".replace(",", "."), x=24)
            put(f"{qty * price:,}".replace(",", "."), align="right")
        else:
            put(f"{name}  {qty} x {price:,}".replace(",", "."))
            put(f"{qty * price:,}".replace(",", "."), align="right")
        y += lh
    put(rule, align="center")
    y += lh
    top = y - 4
    put("TOTAL", scale=1.2)
    put(_rp(total), align="right", scale=1.2)
    y += round(lh * 1.3)
    if t.boxed_total:
        d.rectangle([(5, top), (w - 5, y)], outline=255, width=2)
        y += 6
    if c["paid_cash"]:
        cash = (total // 10_000 + 1) * 10_000
        put(f"TUNAI {_rp(cash)}  KEMBALI {_rp(cash - total)}", scale=0.8)
        y += lh
    if c["handwritten"]:
        pen = _handwritten(f"{total:,}".replace(",", "."), t.size + 10, rng)
        pen = pen.resize((min(pen.width, w - 30), pen.height))
        ink_layer.paste(255, (w - pen.width - 12, y), pen)
        y += pen.height
    put(t.footer, align="center", scale=0.9)
    y += lh + 20
    ink_layer = ink_layer.crop((0, 0, w, min(h, y)))
    return _thermal(ink_layer, t, rng)


def _thermal(ink_layer: Image.Image, t: Template, rng: random.Random) -> Image.Image:
    """Ink on paper with a thermal head's faults: uneven darkness along the head (columns), a
    fading towards one end, white streaks where a dot is dead."""
    w, h = ink_layer.size
    strength = Image.linear_gradient("L").resize((w, h)).rotate(rng.choice((0, 90, 180, 270)))
    strength = strength.resize((w, h))
    lo = rng.randint(150, 255)  # the faded end keeps this much of the ink
    strength = strength.point(lambda v, lo=lo: lo + (255 - lo) * v // 255)
    columns = Image.new("L", (w, 1))
    columns.putdata([rng.randint(180, 255) for _ in range(w)])
    columns = columns.filter(ImageFilter.BoxBlur(3)).resize((w, h))
    ink = ImageChops.multiply(ink_layer, ImageChops.multiply(strength, columns))
    draw = ImageDraw.Draw(ink)
    for _ in range(rng.randint(0, 3)):  # dead dots: white vertical streaks
        x = rng.randrange(w)
        draw.line([(x, 0), (x, h)], fill=0, width=1)
    dark = Image.new("L", (w, h), t.ink)
    paper = Image.new("L", (w, h), t.paper)
    return Image.composite(dark, paper, ink)


def _noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Gaussian noise around grey 128, drawn from ``rng`` (Pillow's ``effect_noise`` uses the C
    library's generator, whose state depends on what ran before in the process)."""
    import numpy as np

    values = np.random.default_rng(rng.getrandbits(64)).normal(128, sigma, (size[1], size[0]))
    return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8), "L")


def photograph(slip: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of the slip: on a textured surface, in perspective, with a shadow, at 1-3
    megapixels."""
    rgb = Image.merge("RGB", [slip, slip, slip.point(lambda v: max(0, v - rng.randint(0, 12)))])
    margin = rng.randint(40, 160)
    W, H = rgb.width + 2 * margin, rgb.height + 2 * margin
    base = tuple(rng.randint(60, 200) for _ in range(3))
    noise = _noise((W // 4 + 1, H // 4 + 1), rng.uniform(10, 40), rng).resize((W, H))
    surface = Image.merge(
        "RGB", [noise.point(lambda v, c=c: max(0, min(255, c + (v - 128) // 3))) for c in base]
    )
    surface.paste(rgb, (margin, margin))
    # perspective: each corner moved by up to 6% of the size
    j = lambda n: int(n * rng.uniform(-0.06, 0.06))  # noqa: E731
    quad = (j(W), j(H), j(W), H + j(H), W + j(W), H + j(H), W + j(W), j(H))
    photo = surface.transform((W, H), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)
    # a shadow (the phone or a hand) over part of the picture, soft edged
    shadow = Image.new("L", (W, H), 0)
    sx, sy = rng.randint(0, W), rng.randint(0, H)
    ImageDraw.Draw(shadow).polygon(
        [(sx, -H), (sx + rng.randint(-W, W), 2 * H), (3 * W, 2 * H), (3 * W, -H)]
        if rng.random() < 0.5
        else [(-W, sy), (2 * W, sy + rng.randint(-H // 2, H // 2)), (2 * W, 3 * H), (-W, 3 * H)],
        fill=rng.randint(60, 130),
    )
    shadow = shadow.filter(ImageFilter.GaussianBlur(rng.uniform(10, 40)))
    photo = Image.composite(Image.new("RGB", (W, H), (10, 10, 15)), photo, shadow)
    # white balance and a little blur
    cast = tuple(rng.uniform(0.9, 1.1) for _ in range(3))
    photo = Image.merge(
        "RGB", [ch.point(lambda v, f=f: min(255, int(v * f))) for ch, f in zip(photo.split(), cast)]
    )
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    # phone size: 1-3 megapixels
    mp = rng.uniform(1.0, 3.0) * 1_000_000
    f = math.sqrt(mp / (W * H))
    return photo.resize((max(1, int(W * f)), max(1, int(H * f))), Image.Resampling.BICUBIC)


def alt_receipt(
    rng: random.Random, t: Template | None = None, n_items: int | None = None
) -> Image.Image:
    """A phone photo of a receipt of template ``t`` (a new one if None); ``n_items`` lines of
    goods (1-10 if None): receipts of one shop with as many lines have the same length."""
    return alt_claim(rng, t, n_items)[0]


def alt_claim(
    rng: random.Random, t: Template | None = None, n_items: int | None = None
) -> tuple[Image.Image, int]:
    """``alt_receipt`` and the total printed on it (what an honest claim types)."""
    c = contents(rng, n_items)
    photo = photograph(print_receipt(t or template(rng), c, rng), rng)
    return photo, sum(qty * price for _name, qty, price in c["items"])


def jpeg_bytes(img: Image.Image, rng: random.Random) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=rng.randint(40, 90))
    return buf.getvalue()


def alt_transform(img: Image.Image, kind: str, rng: random.Random) -> Image.Image:
    if kind == "reencode":
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randint(30, 60), subsampling=2)
        return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    if kind == "resize":
        f = rng.choice((rng.uniform(0.25, 0.6), rng.uniform(1.1, 1.5)))
        return img.resize((max(1, int(img.width * f)), max(1, int(img.height * f))))
    if kind == "crop":  # up to 10% in all, taken where the cropper wants it
        w, h = img.size
        cw, ch = rng.uniform(0.0, 0.10), rng.uniform(0.0, 0.10)
        left, top = int(w * cw * rng.random()), int(h * ch * rng.random())
        return img.crop((left, top, left + int(w * (1 - cw)), top + int(h * (1 - ch))))
    if kind == "brightness":
        img = ImageEnhance.Contrast(img).enhance(rng.choice((0.5, 0.7, 1.3, 1.6)))
        img = ImageEnhance.Brightness(img).enhance(rng.choice((0.55, 0.75, 1.25, 1.5)))
        return img
    if kind == "rotate90":
        return img.transpose(rng.choice((Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270)))
    if kind == "rotate180":
        return img.transpose(Image.Transpose.ROTATE_180)
    if kind == "screen":
        return screen_photo(img, rng)
    raise ValueError(kind)


def screen_photo(img: Image.Image, rng: random.Random, tilt: float = 0.07) -> Image.Image:
    """Shown on a laptop or phone screen and photographed: the picture scaled to the screen,
    an RGB sub-pixel grid, a glare, a dark frame around, a perspective of the camera held at an
    angle, and the camera's own size."""
    sw = rng.randint(500, 900)
    shown = img.resize((sw, max(1, int(img.height * sw / img.width))))
    grid = Image.new("RGB", (3, 3), (0, 0, 0))
    for x, colour in enumerate(((255, 90, 90), (90, 255, 90), (90, 90, 255))):
        for yy in range(2):
            grid.putpixel((x, yy), colour)
    tiles = Image.new("RGB", shown.size)
    strip = Image.new("RGB", (shown.width + 3, 3))
    for k in range(0, shown.width + 3, 3):
        strip.paste(grid, (k, 0))
    for yy in range(0, shown.height, 3):
        tiles.paste(strip, (0, yy))
    shown = Image.blend(shown, ImageChops.multiply(shown, tiles), rng.uniform(0.2, 0.45))
    glare = Image.radial_gradient("L").resize(shown.size).point(lambda v: max(0, 200 - v))
    shown = Image.composite(
        Image.new("RGB", shown.size, (250, 250, 255)),
        shown,
        glare.point(lambda v, k=rng.uniform(0.1, 0.5): int(v * k)),
    )
    frame = rng.randint(20, 80)
    W, H = shown.width + 2 * frame, shown.height + 2 * frame
    screen = Image.new("RGB", (W, H), (20, 20, 24))
    screen.paste(shown, (frame, frame))
    j = lambda n: int(n * rng.uniform(-tilt, tilt))  # noqa: E731
    quad = (j(W), j(H), j(W), H + j(H), W + j(W), H + j(H), W + j(W), j(H))
    screen = screen.transform((W, H), Image.Transform.QUAD, quad, Image.Resampling.BILINEAR)
    screen = screen.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.4)))
    mp = rng.uniform(1.0, 3.0) * 1_000_000
    f = math.sqrt(mp / (W * H))
    return screen.resize((int(W * f), int(H * f)), Image.Resampling.BICUBIC)
