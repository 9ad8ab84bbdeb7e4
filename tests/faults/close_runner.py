"""Run a period's close as the Celery task does (``run_job`` + ``services.compute_period``), in
its own process, against the database in DATABASE_URL. Used by test_close_restart.py.

``--pause DIR``: after the first batch of results is written (inside the close's transaction),
write DIR/ready and wait for DIR/go, so the test can restart MariaDB at that moment.
``--batch N``: rows per INSERT (``services.UPSERT_BATCH``), so the close writes in several
statements. Prints the JobRun outcome; exit status 0 when the close succeeded."""

import argparse
import os
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("period")
    parser.add_argument("--pause", default="")
    parser.add_argument("--batch", type=int, default=0)
    opts = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.test")
    django.setup()

    from ebakul.compliance import services
    from ebakul.compliance.jobs import run_job
    from ebakul.compliance.tasks import JOB_COMPUTE
    from tests import clock

    if opts.batch:
        services.UPSERT_BATCH = opts.batch
    paused = False

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal paused
        if opts.pause and stage == "write" and not paused:
            paused = True
            Path(opts.pause, "ready").write_text(f"{done}/{total}")
            while not Path(opts.pause, "go").exists():
                time.sleep(0.05)

    code = 0
    with clock.after_verification_close(opts.period):
        try:
            run = run_job(
                job=JOB_COMPUTE,
                period=opts.period,
                fn=lambda: services.compute_period(period=opts.period, progress=progress),
            )
        except Exception as exc:  # noqa: BLE001 - reported to the test
            print(f"close failed: {type(exc).__name__}: {exc}")
            code = 1
        else:
            print(f"close {run.status}: {run.stats}")
    return code


if __name__ == "__main__":
    sys.exit(main())
