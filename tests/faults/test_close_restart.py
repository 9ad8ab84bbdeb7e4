"""MariaDB (a private instance) restarted in the middle of a monthly close: the close fails
cleanly (its run is recorded as failed, nothing half-written stays), and running it again gives
exactly the rows of an uninterrupted close (issue 16)."""

import subprocess
import sys

import pytest
from django.db import connection

from ebakul.compliance.jobs import run_job
from ebakul.compliance.selectors import period_get_or_create
from ebakul.compliance.tasks import JOB_COMPUTE
from tests import clock
from tests.compliance.conftest import PERIOD, Ctx

from .services import ROOT, copy_database, django_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE_DB = "ebakul_close"
# What a close writes, without ids and time stamps (they differ between two runs by design).
RESULT_SQL = {
    "compliance": (
        "SELECT employee_id, period, rule_id, employee_class_id, tpp_ceiling, active_days,"
        " period_days, required_spend, verified_spend, pending_spend, shortfall, status,"
        " sanction_mode, deduction_amount FROM compliance_monthlycompliance"
        f" WHERE period = '{PERIOD}' ORDER BY employee_id"
    ),
    "deductions": (
        "SELECT d.employee_id, d.period, d.sanction_mode, d.deduction_amount, d.status,"
        " d.version, m.employee_id FROM compliance_tppdeduction d JOIN"
        " compliance_monthlycompliance m ON m.id = d.compliance_id"
        f" WHERE d.period = '{PERIOD}' ORDER BY d.employee_id, d.version"
    ),
    "period": f"SELECT period, status, rule_id FROM compliance_period WHERE period = '{PERIOD}'",
    "events": (
        "SELECT kind, COUNT(*) FROM compliance_complianceevent"
        f" WHERE period = '{PERIOD}' GROUP BY kind ORDER BY kind"
    ),
}


def _shared_rows(sql: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(sql)
        return ["\t".join("NULL" if v is None else str(v) for v in row) for row in cur.fetchall()]


def _private_rows(server, sql: str) -> list[str]:
    out = server.sql(sql, database=PRIVATE_DB).stdout
    return [line for line in out.splitlines() if line]


def _world(ctx: Ctx, n: int = 24) -> None:
    for i in range(n):
        employee = ctx.employee()
        if i % 4:  # a quarter buys nothing (full deduction)
            ctx.buy(employee, 100_000 * i)
        if i % 5 == 0:
            ctx.buy(employee, 50_000, status="submitted")


def _run_close(server, redis, *args) -> subprocess.Popen:
    env = django_env(database_url=server.url(PRIVATE_DB), redis_url=redis.url)
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.faults.close_runner", PERIOD, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_close_interrupted_by_a_mariadb_restart_fails_cleanly_and_reruns_exactly(
    ref, private_mariadb, private_redis, tmp_path
):
    _world(Ctx())
    period_get_or_create(PERIOD)
    copy_database(connection.settings_dict, private_mariadb, PRIVATE_DB)
    assert _private_rows(private_mariadb, RESULT_SQL["compliance"]) == []

    # The reference: the same close, uninterrupted, on the original database.
    with clock.after_verification_close(PERIOD):
        from ebakul.compliance import services

        run_job(job=JOB_COMPUTE, period=PERIOD, fn=lambda: services.compute_period(period=PERIOD))
    expected = {name: _shared_rows(sql) for name, sql in RESULT_SQL.items()}
    assert len(expected["compliance"]) == 24 and len(expected["deductions"]) > 0

    # The close in its own process, paused inside its transaction after the first batch of 5.
    pause = tmp_path / "pause"
    pause.mkdir()
    proc = _run_close(private_mariadb, private_redis, "--pause", str(pause), "--batch", "5")
    wait_until(lambda: (pause / "ready").exists() or proc.poll() is not None, timeout=120)
    assert (pause / "ready").read_text() == "5/24", proc.stdout.read() if proc.poll() else ""
    private_mariadb.restart()  # SIGKILL mariadbd, start it again (crash recovery)
    (pause / "go").touch()
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1, out
    assert "close failed: OperationalError" in out

    # Nothing of the interrupted close is left; its run is recorded as failed.
    assert _private_rows(private_mariadb, RESULT_SQL["compliance"]) == []
    assert _private_rows(private_mariadb, RESULT_SQL["deductions"]) == []
    assert _private_rows(private_mariadb, RESULT_SQL["period"]) == [f"{PERIOD}\topen\tNULL"]
    assert _private_rows(private_mariadb, RESULT_SQL["events"]) == []
    runs = _private_rows(
        private_mariadb,
        f"SELECT job, status, message FROM compliance_jobrun WHERE period = '{PERIOD}' ORDER BY id",
    )
    assert len(runs) == 1 and runs[0].startswith(f"{JOB_COMPUTE}\tfailed\tOperationalError")

    # The re-run: exactly the rows of the uninterrupted close.
    proc = _run_close(private_mariadb, private_redis, "--batch", "5")
    out, _ = proc.communicate(timeout=180)
    assert proc.returncode == 0, out
    got = {name: _private_rows(private_mariadb, sql) for name, sql in RESULT_SQL.items()}
    assert got == expected
    statuses = _private_rows(
        private_mariadb,
        f"SELECT status FROM compliance_jobrun WHERE period = '{PERIOD}' ORDER BY id",
    )
    assert statuses == ["failed", "success"]
