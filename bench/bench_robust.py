"""Does the near-duplicate rule hold on receipts drawn differently? (issue 15, docs/adr/0230)

    source /tmp/env.sh && .venv/bin/python bench/bench_robust.py \
      [--shops 20 --per-shop 8 --copies 30 --receipts 120 --seed 1]

No database: the real fingerprint, band index, hash thresholds and picture check run in-process
(tests/integrity/robustness.py). Two drawers: tests/integrity/generator_alt.py (shop templates,
other contents: honest same-template claims, then copies per transformation) and
tests/integrity/generator.py (every receipt its own). Prints one table row per drawer for
bench/RESULTS.md. ``--tilt`` measures photos of a screen only, at these camera angles.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.test")

import django  # noqa: E402

django.setup()

from tests.integrity import generator_alt  # noqa: E402
from tests.integrity.robustness import measure, measure_alt, measure_original  # noqa: E402


def show(name, f, seconds):
    kinds = " ".join(f"{k} {c}/{t}" for k, (c, t) in f.copies.items())
    print(
        f"| {name} | {kinds} | {f.overall_recall():.1%} | {f.honest_flagged}/{f.honest} "
        f"({f.same_template_pairs} same-template pairs; {f.honest_near} hash-near, best picture "
        f"score {f.honest_best_score:.3f}) | {seconds:.0f} s |"
    )


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tilt", help="e.g. 0,0.02,0.04,0.07: screen photos at these angles only")
    p.add_argument("--shops", type=int, default=20)
    p.add_argument("--per-shop", type=int, default=8)
    p.add_argument("--copies", type=int, default=30)
    p.add_argument("--receipts", type=int, default=120)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--only", choices=("alt", "original"))
    a = p.parse_args()
    print(
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "|",
        subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    )
    if a.tilt:
        for tilt in (float(v) for v in a.tilt.split(",")):
            t = time.time()
            f = measure(
                seed=a.seed,
                shops=a.shops,
                per_shop=a.per_shop,
                copies_per_kind=a.copies,
                kinds=("screen",),
                draw_shop=generator_alt.template,
                draw_receipt=lambda rng, shop: generator_alt.alt_receipt(rng, shop),
                transform=lambda img, _k, rng, tilt=tilt: generator_alt.screen_photo(
                    img, rng, tilt=tilt
                ),
                upload=generator_alt.jpeg_bytes,
            )
            show(f"generator_alt, screen, corners moved <= {tilt:.0%}", f, time.time() - t)
        return
    if a.only != "original":
        t = time.time()
        f = measure_alt(seed=a.seed, shops=a.shops, per_shop=a.per_shop, copies_per_kind=a.copies)
        show("generator_alt", f, time.time() - t)
        t = time.time()
        f = measure_alt(
            seed=a.seed + 1,
            shops=a.shops,
            per_shop=a.per_shop,
            copies_per_kind=a.copies // 3,
            same_length=True,
        )
        show("generator_alt, one length per shop", f, time.time() - t)
    if a.only != "alt":
        t = time.time()
        f = measure_original(seed=a.seed, receipts=a.receipts, copies_per_kind=a.copies)
        show("generator", f, time.time() - t)


if __name__ == "__main__":
    main()
