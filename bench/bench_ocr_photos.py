"""OCR on phone photos of receipts: the paper read first (docs/adr/0233) against the whole photo.

    OMP_THREAD_LIMIT=1 DJANGO_SETTINGS_MODULE=ebakul.settings.local \
      .venv/bin/python bench/bench_ocr_photos.py [--n 24 --seed 5]

Receipts from the second drawer (tests/integrity/generator_alt.py: shop templates, several
fonts, thermal print, photographed on a textured table in perspective with a shadow), each as
stored (re-encoded by the upload gate) and as a copy cropped, brightened or darkened, and
photographed off a screen. Each picture is read twice on one core: by ``ocr.read_image`` as the
background task does, and by Tesseract on the whole photo as before ADR 0233. Counts per
transformation: the receipt number, total and date read right, and the totals read wrong (a
wrong total raises ``ocr_amount_mismatch`` on an honest claim). No database is used.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageOps  # noqa: E402

from ebakul.integrity import ocr  # noqa: E402
from tests.integrity import generator_alt as g  # noqa: E402
from tests.integrity.robustness import stored  # noqa: E402

KINDS = ("photo", "crop", "brightness", "screen")


def whole_photo(data: bytes) -> ocr.Reading:
    """The reading before ADR 0233: Tesseract on the whole photo."""
    with Image.open(io.BytesIO(data)) as img:
        photo = ImageOps.exif_transpose(img).convert("L")
    return ocr.parse_receipt(ocr._tesseract(photo, ocr.TASK_TIME_LIMIT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=24)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts = defaultdict(lambda: defaultdict(int))
    seconds = defaultdict(list)
    for _ in range(args.n):
        c = g.contents(rng)
        data = stored(
            g.jpeg_bytes(g.photograph(g.print_receipt(g.template(rng), c, rng), rng), rng)
        )
        total = sum(qty * price for _name, qty, price in c["items"])
        pictures = {"photo": data}
        for kind in KINDS[1:]:
            img = Image.open(io.BytesIO(data)).convert("RGB")
            pictures[kind] = stored(g.jpeg_bytes(g.alt_transform(img, kind, rng), rng))
        for kind, picture in pictures.items():
            for way, read in (("paper first", ocr.read_image), ("whole photo", whole_photo)):
                started = time.perf_counter()
                reading = read(picture)
                seconds[way].append(time.perf_counter() - started)
                row = counts[(kind, way)]
                row["number"] += reading.receipt_number == c["number"]
                row["total"] += reading.amount == total
                row["wrong total"] += bool(reading.amount) and reading.amount != total
                row["date"] += (
                    bool(reading.date) and reading.date.strftime("%d-%m-%Y") == c["when"][:10]
                )
    print(f"receipts: {args.n} x {len(KINDS)}, seed {args.seed}, load {os.getloadavg()[0]:.1f}")
    print("| picture | reading | number | total | wrong total | date |")
    print("|---|---|---:|---:|---:|---:|")
    for kind in KINDS:
        for way in ("whole photo", "paper first"):
            row = counts[(kind, way)]
            cells = " | ".join(f"{row[k]}/{args.n}" for k in ("number", "total", "wrong total"))
            print(f"| {kind} | {way} | {cells} | {row['date']}/{args.n} |")
    for way, values in seconds.items():
        values.sort()
        print(
            f"{way}: seconds per picture p50 {statistics.median(values):.2f}, "
            f"p95 {values[int(0.95 * (len(values) - 1))]:.2f}, max {values[-1]:.2f}"
        )


if __name__ == "__main__":
    main()
