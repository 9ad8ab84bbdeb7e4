"""The embedded default (SQLite, eager tasks, in-memory cache) is what `make demo` runs on.
The rest of the suite runs on MariaDB, so this test runs the demo set-up end to end on SQLite in a
separate process and reads the result back from the SQLite file."""

import sqlite3

import pytest

from tests.embedded import manage


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("embedded")
    for args in (
        ("migrate", "-v0"),
        ("setup_reference",),
        ("mark_demo_database",),
        ("seed_demo", "--employees", "40", "--merchants", "12"),
    ):
        result = manage(data_dir, *args)
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
