"""Migrations: none missing, and every one of them reversible."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_no_model_change_is_missing_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_all_migrations_unapply_and_apply_again(tmp_path):
    """Run on the embedded default in a separate process, so the suite's database is untouched:
    migrate, unapply everything that depends on the custom user model (all our apps), migrate
    again."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EBAKUL_REQUIRE_MARIADB"}
    }
    env.update(DJANGO_SETTINGS_MODULE="ebakul.settings.local", EBAKUL_DATA_DIR=str(tmp_path))
    for args in (
        ("migrate",),
        ("migrate", "accounts", "zero"),
        ("migrate", "core", "zero"),
        ("migrate",),
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *args, "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, (args, result.stderr[-3000:])
