"""Receipt fingerprints (issue 15): exact and perceptual hashes of a receipt photo.

Pure functions over image bytes; no database. See docs/integrity.md and
docs/adr/0200-receipt-fingerprints.md for why these hashes and these thresholds.

- ``sha256_bytes``: of the stored (re-encoded) bytes, the same as ``Purchase.receipt_sha256``.
- ``sha256_pixels``: of the decoded, upright RGB pixels and the size: the same picture stored
  in another format or with other metadata has the same pixel hash.
- ``phash`` / ``dhash`` (64 bits, ``imagehash``) of the normalised picture: upright by EXIF,
  grayscale, autocontrast (brightness/contrast), trimmed to the paper, downscaled. They are the
  index (four 16-bit bands each, indexed columns); ``phash16`` (256 bits) confirms a candidate.
- A lookup hashes the query picture turned by 0/90/180/270 degrees, so a rotated copy is found
  although only the upright hashes are stored.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import imagehash
from PIL import Image, ImageFilter, ImageOps

ROTATIONS = (0, 90, 180, 270)
BANDS = 4
BAND_BITS = 16


@dataclass(frozen=True)
class Hashes:
    phash: int  # 64 bits
    dhash: int  # 64 bits
    phash16: str  # 256 bits, hex

    def bands(self, name: str) -> list[int]:
        return split_bands(getattr(self, name))


@dataclass(frozen=True)
class Fingerprint:
    sha256_bytes: str
    sha256_pixels: str
    width: int
    height: int
    hashes: Hashes  # of the upright picture (stored)
    rotated: tuple[Hashes, ...]  # 90, 180, 270 (only used to look up, never stored)


def split_bands(value: int) -> list[int]:
    mask = (1 << BAND_BITS) - 1
    return [(value >> (BAND_BITS * i)) & mask for i in range(BANDS)]


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def hamming_hex(a: str, b: str) -> int:
    if not a or not b or len(a) != len(b):
        return 10_000
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _to_int(h: imagehash.ImageHash) -> int:
    return int(str(h), 16)


def open_upright(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img = ImageOps.exif_transpose(img)
    return img.convert("RGB")


def pixel_sha256(img: Image.Image) -> str:
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    digest = hashlib.sha256(f"{rgb.width}x{rgb.height}:".encode())
    digest.update(rgb.tobytes())
    return digest.hexdigest()


def normalise(img: Image.Image) -> Image.Image:
    """Grayscale, small, contrast stretched, trimmed to the bright paper (a photo of a receipt on
    a table or of a screen showing it keeps mostly the paper)."""
    gray = img.convert("L")
    gray.thumbnail((512, 512))
    gray = ImageOps.autocontrast(gray, cutoff=2)
    # The paper: bright pixels; its bounding box after a blur that ignores specks.
    mask = gray.filter(ImageFilter.BoxBlur(4)).point(lambda v: 255 if v > 150 else 0)
    box = mask.getbbox()
    if box:
        w, h = box[2] - box[0], box[3] - box[1]
        if w * h >= 0.25 * gray.width * gray.height:
            gray = gray.crop(box)
    return ImageOps.autocontrast(gray, cutoff=1)


def hashes_of(norm: Image.Image) -> Hashes:
    return Hashes(
        phash=_to_int(imagehash.phash(norm)),
        dhash=_to_int(imagehash.dhash(norm)),
        phash16=str(imagehash.phash(norm, hash_size=16)),
    )


def fingerprint(data: bytes) -> Fingerprint:
    img = open_upright(data)
    norm = normalise(img)
    upright = hashes_of(norm)
    rotated = tuple(hashes_of(norm.rotate(angle, expand=True)) for angle in ROTATIONS if angle != 0)
    return Fingerprint(
        sha256_bytes=hashlib.sha256(data).hexdigest(),
        sha256_pixels=pixel_sha256(img),
        width=img.width,
        height=img.height,
        hashes=upright,
        rotated=rotated,
    )


def pixels_of(data: bytes) -> str:
    """Only the pixel hash (the upload check needs no perceptual hash)."""
    return pixel_sha256(open_upright(data))


# --- Verification of a near match ---------------------------------------------------------------
# Two receipts of one shop's layout can have close perceptual hashes (the hashes see the paper,
# the blocks of text and the rules, not the words). A near match is therefore confirmed on the
# pictures: both, normalised as above and brought to one size, are compared tile by tile on
# their fine detail (the strokes of the text), each tile allowed to move a few pixels (a photo of
# a screen is slightly skewed and scaled). The same receipt keeps its strokes everywhere; another
# receipt of the same shop shares its header and footer (name, address, rules) but has other
# items, totals, dates and numbers: a fifth of its tiles or more match badly. So the score is a
# low quantile of the tiles, not their median. docs/adr/0222.
VERIFY_WIDTH = 160
VERIFY_TILE = 24
VERIFY_SHIFT = 8
VERIFY_QUANTILE = 0.2  # the score: this quantile of the tiles' correlations
SAME_RECEIPT = 0.9  # the score from which two pictures show the same receipt


def _detail(img: Image.Image, size: tuple[int, int]):
    import numpy as np

    small = img.resize(size, Image.Resampling.LANCZOS)
    fine = np.asarray(small.filter(ImageFilter.GaussianBlur(1)), dtype=np.float32)
    coarse = np.asarray(small.filter(ImageFilter.GaussianBlur(4)), dtype=np.float32)
    return fine - coarse


def content_similarity(query: Image.Image, stored: Image.Image) -> float:
    """The ``VERIFY_QUANTILE`` quantile, over the query's tiles that carry detail, of the best
    correlation of the tile with the stored picture within ``VERIFY_SHIFT`` pixels (1.0: the
    same strokes everywhere)."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    w, t, s = VERIFY_WIDTH, VERIFY_TILE, VERIFY_SHIFT
    h = max(2 * t, round(w * stored.height / max(stored.width, 1)))
    a, b = _detail(query, (w, h)), _detail(stored, (w, h))
    padded = np.pad(b, s)
    scores = []
    for y in range(0, h - t + 1, t):
        for x in range(0, w - t + 1, t):
            tile = a[y : y + t, x : x + t]
            tc = tile - tile.mean()
            if tc.std() < 2:  # blank paper
                continue
            windows = sliding_window_view(padded[y : y + t + 2 * s, x : x + t + 2 * s], (t, t))
            wc = windows - windows.mean(axis=(2, 3), keepdims=True)
            num = (wc * tc).sum(axis=(2, 3))
            den = np.sqrt((wc * wc).sum(axis=(2, 3))) * np.sqrt((tc * tc).sum()) + 1e-6
            scores.append(float((num / den).max()))
    return float(np.quantile(scores, VERIFY_QUANTILE)) if scores else 0.0


def same_receipt(query: bytes, stored: bytes, angle: int = 0) -> float:
    """``content_similarity`` of two receipt files, the query turned by ``angle`` degrees (the
    rotation its hashes matched with)."""
    a = normalise(open_upright(query))
    if angle:
        a = a.rotate(angle, expand=True)
    return content_similarity(a, normalise(open_upright(stored)))
