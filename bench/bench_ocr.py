"""OCR seconds per receipt per core (issue 15), and how often the parsed values are right.

    OMP_THREAD_LIMIT=1 DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/bench_ocr.py

Options: ``--n 30``. Receipts are rendered with Pillow (tests/identity/receipt_images.py, DejaVu
Sans Mono, 620 px wide, varied totals, dates, numbers) and read by ``ebakul.integrity.ocr.
read_image`` exactly as the background task does (Tesseract ind+eng, one process per receipt).
No database is used. OMP_THREAD_LIMIT=1 keeps Tesseract on one core, so the figure is per core.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import django  # noqa: E402

django.setup()

from ebakul.integrity.ocr import read_image  # noqa: E402
from tests.identity.receipt_images import receipt_png  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(15)
    seconds, right = [], {"amount": 0, "date": 0, "number": 0}
    for _i in range(args.n):
        amount = rng.randrange(5, 500) * 500
        day, month = rng.randrange(1, 29), rng.randrange(1, 13)
        number = f"NT-{rng.randrange(1000, 99999)}"
        dots = f"{amount:,}".replace(",", ".")
        total = rng.choice([f"Rp {dots}", f"{amount:,}", f"Rp {dots},-", f"Rp{dots},00"])
        date = rng.choice([f"{day:02d}/{month:02d}/2026", f"{day:02d}-{month:02d}-26"])
        image = receipt_png(total=total, date=date, number=number)
        started = time.perf_counter()
        reading = read_image(image)
        seconds.append(time.perf_counter() - started)
        right["amount"] += reading.amount == amount
        right["date"] += bool(
            reading.date and (reading.date.day, reading.date.month) == (day, month)
        )
        right["number"] += reading.receipt_number == number
    seconds.sort()
    load = os.getloadavg()[0]
    print(f"receipts: {args.n}, OMP_THREAD_LIMIT={os.environ['OMP_THREAD_LIMIT']}, load {load:.1f}")
    print(
        f"seconds per receipt: p50 {statistics.median(seconds):.2f}, "
        f"p95 {seconds[int(0.95 * (len(seconds) - 1))]:.2f}, max {seconds[-1]:.2f}"
    )
    print(", ".join(f"{k} right {v}/{args.n}" for k, v in right.items()))


if __name__ == "__main__":
    main()
