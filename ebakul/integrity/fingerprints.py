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
- A second set of the same hashes, of the *paper* (``normalise_paper``): the sheet found by its
  edges in a photo, its perspective undone and its lighting (shadow, glare) divided out. It finds
  the copies the first set misses: crops into the paper, strong brightness changes, photos of a
  screen at an angle (docs/adr/0231). A match on it is always confirmed on the pictures.
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
    paper: Hashes | None = None  # of the paper (normalise_paper); None: no picture to read
    paper_rotated: tuple[Hashes, ...] = ()


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


def _turned(norm: Image.Image) -> tuple[Hashes, ...]:
    return tuple(hashes_of(norm.rotate(angle, expand=True)) for angle in ROTATIONS if angle != 0)


def fingerprint(data: bytes) -> Fingerprint:
    img = open_upright(data)
    norm = normalise(img)
    paper = normalise_paper(img)
    return Fingerprint(
        sha256_bytes=hashlib.sha256(data).hexdigest(),
        sha256_pixels=pixel_sha256(img),
        width=img.width,
        height=img.height,
        hashes=hashes_of(norm),
        rotated=_turned(norm),
        paper=hashes_of(paper),
        paper_rotated=_turned(paper),
    )


# --- The paper: found by its edges, perspective undone, lighting divided out (ADR 0231) ---------
PAPER_SIZE = 512  # the photo is searched at this size (longest side)
PAPER_AREA = 256  # the paper is warped to a picture of 256 x 256 pixels' area, its proportions
PAPER_MIN = 0.08  # the smallest sheet, as a share of the photo
PAPER_STANDS_OUT = 12  # the sheet's median grey above the band just outside it, at least
PAPER_SLACK = 8  # outlines this close to the brightest's median grey are all paper
PAPER_FIT = 0.06  # an outline's hull and its four corners differ by at most this share of area
READ_AREA = 3_000_000  # the paper is read at the photo's resolution, up to this many pixels
FLATTEN = 15  # the lighting: the paper's brightness over this many pixels (wider than a stroke)


def _cv2():
    """OpenCV, on one thread: the pictures are small and the work runs beside pages and OCR
    (docs/adr/0501)."""
    import cv2

    if cv2.getNumThreads() != 1:
        cv2.setNumThreads(1)
    return cv2


def _corners(points):
    """Top-left, top-right, bottom-right, bottom-left of a convex outline."""
    import numpy as np

    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    s, d = pts.sum(1), pts[:, 0] - pts[:, 1]
    return np.array(
        [pts[np.argmin(s)], pts[np.argmax(d)], pts[np.argmax(s)], pts[np.argmin(d)]],
        dtype=np.float32,
    )


def _quadrilateral(contour):
    cv2 = _cv2()

    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return _corners(approx)
    return _corners(cv2.boxPoints(cv2.minAreaRect(hull)))


def paper_quad(gray):
    """The sheet in a grayscale photo (a uint8 array): the four corners of the largest of the
    brightest four-sided outlines that cover at least ``PAPER_MIN`` of the photo and stand out
    from what lies around them; None when there is none (a scan, a screenshot: the whole picture
    is the paper). A screen photographed with the receipt on it has two such outlines, the screen
    and the paper; the paper is the brighter."""
    cv2 = _cv2()
    import numpy as np

    lo, hi = np.percentile(gray, (1, 99))
    if hi - lo >= 10:
        gray = np.clip((gray.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255)
        gray = gray.astype(np.uint8)
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(blurred, 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    ring = np.ones((15, 15), np.uint8)
    found = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w * h < PAPER_MIN * gray.size:
            continue
        quad = _quadrilateral(contour)
        area = cv2.contourArea(quad)
        if area < PAPER_MIN * gray.size:
            continue
        hull = cv2.contourArea(cv2.convexHull(contour))
        if abs(hull - area) > PAPER_FIT * area:  # not four-sided: a sheet joined to a stray edge
            continue
        inside = np.zeros(gray.shape, np.uint8)
        cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
        around = cv2.dilate(inside, ring) & ~inside
        level = float(np.median(blurred[inside > 0]))
        outside = float(np.median(blurred[around > 0])) if around.any() else 0.0
        if level - outside < PAPER_STANDS_OUT:
            continue
        found.append((level, area, quad))
    if not found:
        return None
    # The paper is bright; the largest of the brightest outlines (a boxed total or a rule across
    # the sheet bounds smaller outlines inside it, as bright).
    top = max(level for level, _, _ in found)
    return max((f for f in found if f[0] >= top - PAPER_SLACK), key=lambda f: f[1])[2]


def normalise_paper(img: Image.Image) -> Image.Image:
    """The paper of a receipt photo, upright in its own frame: found by ``paper_quad`` (else the
    whole picture), its perspective undone onto a picture of ``PAPER_AREA`` squared pixels at its
    own proportions (so a turned copy comes out at the same scale), the lighting divided out
    (each pixel over the paper's brightness around it: shadows, glare and a brightness or
    contrast change leave only the print), contrast stretched."""
    cv2 = _cv2()
    import numpy as np

    gray = img.convert("L")
    gray.thumbnail((PAPER_SIZE, PAPER_SIZE))
    a = np.asarray(gray)
    quad = paper_quad(a)
    if quad is None:
        h, w = a.shape
        quad = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    w, h = _sides(quad)
    w, h = max(w, 1.0), max(h, 1.0)
    f = PAPER_AREA / float(np.sqrt(w * h))
    sheet = _unwarp(a, quad, (max(8, round(w * f)), max(8, round(h * f))), cv2.INTER_AREA)
    return ImageOps.autocontrast(Image.fromarray(_flatten(sheet, FLATTEN)), cutoff=1)


def _sides(quad) -> tuple[float, float]:
    """The width and height of a sheet whose corners are ``quad``: its longer opposite sides."""
    import numpy as np

    tl, tr, br, bl = quad
    return (
        max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)),
        max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)),
    )


def _unwarp(a, quad, size: tuple[int, int], flags: int):
    """The sheet whose corners in the picture ``a`` are ``quad``, upright on ``size`` pixels."""
    cv2 = _cv2()
    import numpy as np

    W, H = size
    target = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], dtype=np.float32)
    return cv2.warpPerspective(
        a,
        cv2.getPerspectiveTransform(quad, target),
        (W, H),
        flags=flags,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _lighting(sheet, width: int):
    """The paper's brightness around each pixel of a grayscale sheet (uint8 array): a closing
    wider than a stroke, ``width`` px, then blurred."""
    cv2 = _cv2()

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (width, width))
    return cv2.GaussianBlur(cv2.morphologyEx(sheet, cv2.MORPH_CLOSE, kernel), (0, 0), width / 2)


def _divided(sheet, light):
    import numpy as np

    flat = sheet.astype(np.float32) / np.maximum(light.astype(np.float32), 1.0) * 255.0
    return np.clip(flat, 0, 255).astype(np.uint8)


def _flatten(sheet, width: int):
    """The lighting divided out of a grayscale sheet (uint8 array): each pixel over the paper's
    brightness around it."""
    return _divided(sheet, _lighting(sheet, width))


def paper_for_reading(img: Image.Image) -> Image.Image | None:
    """The paper of a receipt photo at the photo's own resolution (at most ``READ_AREA``
    pixels: enough for small print, and a 12-megapixel photo is read in seconds), for OCR: found by
    ``paper_quad`` on the small picture, cut out of the full one with its perspective undone
    and its lighting divided out (the table around it, a shadow or glare over it make Tesseract
    read nothing or noise). None when no sheet stands out (a scan or a screenshot: the whole
    picture is the paper). docs/adr/0233."""
    cv2 = _cv2()
    import numpy as np

    gray = img.convert("L")
    small = gray.copy()
    small.thumbnail((PAPER_SIZE, PAPER_SIZE))
    quad = paper_quad(np.asarray(small))
    if quad is None:
        return None
    quad = quad * np.float32(gray.width / small.width)
    W, H = _sides(quad)
    W, H = max(W, 8.0), max(H, 8.0)
    shrink = min(1.0, float(np.sqrt(READ_AREA / (W * H))))
    if shrink < 1.0:  # a sheet of a large photo: made smaller first (warping only interpolates)
        size = (max(1, round(gray.width * shrink)), max(1, round(gray.height * shrink)))
        quad = quad * np.float32(size[0] / gray.width)
        gray = gray.resize(size, Image.Resampling.BOX)
    W, H = max(8, round(W * shrink)), max(8, round(H * shrink))
    sheet = _unwarp(np.asarray(gray), quad, (W, H), cv2.INTER_CUBIC)
    # The lighting is smooth: found as the hashes find it, on the sheet at PAPER_AREA's scale,
    # and brought back to this one (a closing and blur this wide at full size take seconds).
    scale = float(np.sqrt(W * H)) / PAPER_AREA
    if scale <= 1.0:
        return Image.fromarray(_flatten(sheet, FLATTEN))
    small = cv2.resize(
        sheet, (max(8, round(W / scale)), max(8, round(H / scale))), interpolation=cv2.INTER_AREA
    )
    light = cv2.resize(_lighting(small, FLATTEN), (W, H), interpolation=cv2.INTER_LINEAR)
    return Image.fromarray(_divided(sheet, light))


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
SAME_RECEIPT = 0.9  # the score from which two pictures show the same receipt ...
# ... when the two claims name the same merchant and amount; else from this one. Two honest
# receipts of one shop's layout and length reached 0.92 on the second drawer (docs/adr/0231),
# copies other than photos of a screen score >= 0.95 (docs/adr/0222).
SAME_RECEIPT_OTHER_CLAIM = 0.95


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

    w, t, s = VERIFY_WIDTH, VERIFY_TILE, VERIFY_SHIFT
    h = max(2 * t, round(w * stored.height / max(stored.width, 1)))
    scores = _tile_scores(_detail(query, (w, h)), _detail(stored, (w, h)), t, s)
    return float(np.quantile(scores, VERIFY_QUANTILE)) if scores else 0.0


def _tile_scores(a, b, tile: int, shift: int) -> list[float]:
    """Per tile of ``a`` that carries detail, its best correlation with ``b`` within ``shift``
    pixels (``a`` and ``b``: detail arrays of one size)."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    h, w = a.shape
    padded = np.pad(b, shift)
    scores = []
    for y in range(0, h - tile + 1, tile):
        for x in range(0, w - tile + 1, tile):
            t = a[y : y + tile, x : x + tile]
            tc = t - t.mean()
            if tc.std() < 2:  # blank paper
                continue
            windows = sliding_window_view(
                padded[y : y + tile + 2 * shift, x : x + tile + 2 * shift], (tile, tile)
            )
            wc = windows - windows.mean(axis=(2, 3), keepdims=True)
            num = (wc * tc).sum(axis=(2, 3))
            den = np.sqrt((wc * wc).sum(axis=(2, 3))) * np.sqrt((tc * tc).sum()) + 1e-6
            scores.append(float((num / den).max()))
    return scores


# The papers of a match on the paper's hashes are compared finer than the first check: receipts of
# one shop's layout and length, their papers warped to one frame and their lighting divided out,
# share everything but the words and digits, and at the first check's coarse detail score up to
# 0.93 (docs/adr/0231). So: the query's paper registered onto the stored one (ECC, a homography),
# then the strokes' detail (a 0.7-px blur minus a 2-px blur: the shapes of the glyphs), tiles of
# 32 px each allowed 2 px. Same receipt: 0.95-1.0, photos of a screen 0.7-0.95; another receipt
# of the same shop and length: up to 0.93 in the measurements, hence SAME_PAPER.
PAPER_TILE = 32
PAPER_SHIFT = 2
PAPER_BAND = (0.7, 2.0)
SAME_PAPER = 0.95  # from this score two papers show the same receipt (higher than SAME_RECEIPT)
# ... and from this one when the two claims name the same merchant and the same amount: a copy
# claims what its original says, while two honest receipts of one shop and length with the same
# total are rare. Photos of a screen score 0.8-0.95 (docs/adr/0231).
SAME_PAPER_SAME_CLAIM = 0.8


BLURS = (0.6, 0.9, 1.2, 1.6, 2.0, 2.5)  # the blurs tried on the sharper paper
BLURRIER = 0.75  # a paper this much less sharp than the other is compared at its sharpness


def sharpness(x) -> float:
    """The fine detail's share of a paper's detail: lower for a picture taken at a lower
    resolution or through a screen."""
    cv2 = _cv2()
    import numpy as np

    fine = cv2.GaussianBlur(x, (0, 0), 0.7) - cv2.GaussianBlur(x, (0, 0), 2.0)
    coarse = cv2.GaussianBlur(x, (0, 0), 2.0) - cv2.GaussianBlur(x, (0, 0), 5.0)
    return float(np.std(fine) / (np.std(coarse) + 1e-6))


def _same_sharpness(a, b):
    """Two papers brought to the sharpness of the blurrier: the sharper blurred by the one of
    ``BLURS`` that comes closest. A copy through a screen or made smaller has lost the fine strokes
    its original keeps; comparing the original's fine strokes with it would refuse it. Two papers
    about as sharp (two honest photos) are compared as they are."""
    cv2 = _cv2()

    sa, sb = sharpness(a), sharpness(b)
    if min(sa, sb) >= BLURRIER * max(sa, sb):
        return a, b
    sharp, target = (a, sb) if sa > sb else (b, sa)
    blurred = min(
        (cv2.GaussianBlur(sharp, (0, 0), sigma) for sigma in BLURS),
        key=lambda x: abs(sharpness(x) - target),
    )
    return (blurred, b) if sa > sb else (a, blurred)


def paper_similarity(query: Image.Image, stored: Image.Image) -> float:
    """The ``VERIFY_QUANTILE`` quantile of the tile scores of two papers (``normalise_paper``),
    the query registered onto the stored one first."""
    import numpy as np

    scores = paper_tiles(query, stored)
    return float(np.quantile(scores, VERIFY_QUANTILE)) if scores else 0.0


def paper_tiles(query: Image.Image, stored: Image.Image) -> list[float]:
    cv2 = _cv2()
    import numpy as np

    b = np.asarray(stored, dtype=np.float32)
    a = np.asarray(query.resize(stored.size, Image.Resampling.LANCZOS), dtype=np.float32)
    warp = np.eye(3, dtype=np.float32)
    try:
        criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-5)
        _, warp = cv2.findTransformECC(
            cv2.GaussianBlur(b, (0, 0), 1.5),
            cv2.GaussianBlur(a, (0, 0), 1.5),
            warp,
            cv2.MOTION_HOMOGRAPHY,
            criteria,
            None,
            5,
        )
        a = cv2.warpPerspective(
            a,
            warp,
            (b.shape[1], b.shape[0]),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )
    except cv2.error:  # did not converge: compared as warped by the paper's corners
        pass
    fine, coarse = PAPER_BAND

    def detail(x):
        return cv2.GaussianBlur(x, (0, 0), fine) - cv2.GaussianBlur(x, (0, 0), coarse)

    a, b = _same_sharpness(a, b)
    return _tile_scores(detail(a), detail(b), PAPER_TILE, PAPER_SHIFT)


def same_receipt(query: bytes, stored: bytes, angle: int = 0, *, paper: bool = False) -> float:
    """How surely two receipt files show one receipt (the same from ``SAME_RECEIPT``, from
    ``SAME_PAPER`` when ``paper``), the query turned by
    ``angle`` degrees (the rotation its hashes matched with): ``content_similarity`` of the
    trimmed pictures, or ``paper_similarity`` of their papers when the match came from the
    paper's hashes."""
    if paper:
        a = normalise_paper(open_upright(query))
        if angle:
            a = a.rotate(angle, expand=True)
        return paper_similarity(a, normalise_paper(open_upright(stored)))
    a = normalise(open_upright(query))
    if angle:
        a = a.rotate(angle, expand=True)
    return content_similarity(a, normalise(open_upright(stored)))
