"""The embedded default (SQLite, eager tasks, in-memory cache) is what `make demo` runs on.
The rest of the suite runs on MariaDB, so this test runs the demo set-up end to end on SQLite in a
separate process and reads the result back from the SQLite file."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("embedded")
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EBAKUL_REQUIRE_MARIADB"}
    }
    env.update(DJANGO_SETTINGS_MODULE="ebakul.settings.local", EBAKUL_DATA_DIR=str(data_dir))
    for args in (
        ("migrate", "-v0"),
        ("setup_reference",),
        ("seed_demo", "--employees", "40", "--merchants", "12"),
    ):
        result = _manage(env, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    return data_dir / "ebakul.sqlite3", result.stdout


def test_demo_on_sqlite_closes_past_months_with_a_deduction_per_employee(sqlite_demo):
    db, output = sqlite_demo
    assert "Demo logins" in output
    con = sqlite3.connect(db)
    locked = [
        r[0] for r in con.execute("SELECT period FROM compliance_period WHERE status='locked'")
    ]
    assert locked, "past demo months must be closed and locked"
    for period in locked:
        results = con.execute(
            "SELECT COUNT(*) FROM compliance_monthlycompliance WHERE period=?", (period,)
        ).fetchone()[0]
        final = con.execute(
            "SELECT COUNT(*) FROM compliance_tppdeduction WHERE period=? AND status='final'",
            (period,),
        ).fetchone()[0]
        assert results > 0
        # One final deduction (zero included) per employee result: what e-TPP will pull.
        assert final == results, period


def test_demo_on_sqlite_has_purchases_in_every_status(sqlite_demo):
    db, _output = sqlite_demo
    con = sqlite3.connect(db)
    statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM purchases_purchase")}
    assert {"verified", "submitted", "merchant_confirmed", "rejected"} <= statuses
