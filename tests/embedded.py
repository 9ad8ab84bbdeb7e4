"""Run manage.py on the embedded default (SQLite in a given folder, eager tasks) in a child
process, so a test can exercise what `make demo` runs without touching the suite's MariaDB."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SUITE_ONLY = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EBAKUL_REQUIRE_MARIADB"}


def manage(data_dir, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _SUITE_ONLY}
    env.update(DJANGO_SETTINGS_MODULE="ebakul.settings.local", EBAKUL_DATA_DIR=str(data_dir))
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
