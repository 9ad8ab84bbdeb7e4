"""The fast paths of the close (ADR 0036) give the same results as the plain definitions.

* the merchant check by classified spans equals the per-purchase ``EXISTS`` of
  ``merchants.selectors.verified_at_q`` for every shape of verification span;
* a re-run writes only what changed;
* employees are read as of the end of the last day in WIB (not in UTC);
* the same code runs on SQLite (the embedded default).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext

from ebakul.compliance import engine
from ebakul.compliance.models import MonthlyCompliance, TppDeduction
from ebakul.compliance.selectors import period_get_or_create
from ebakul.merchants.models import MerchantVerificationSpan
from ebakul.merchants.selectors import verified_at_q
from ebakul.purchases.models import Purchase
from ebakul.workflow.selectors import PURCHASE, state_codes
from tests import clock

from .conftest import PERIOD, YEAR, wib

START, END = wib(YEAR, 1, 1), wib(YEAR, 2, 1)


def reference_spend(period) -> dict[int, tuple[int, int]]:
    """The definition of ADR 0031 with the per-purchase EXISTS (the close before ADR 0036)."""
    counted = Q(status="verified", created_at__lt=period.submission_close) & Q(
        verified_at_q("merchant_id", "purchased_at")
    )
    rows = (
        Purchase.objects.filter(period=period.period)
        .order_by()
        .values("employee_id")
        .annotate(
            verified=Sum("amount", filter=counted),
            pending=Sum("amount", filter=Q(status__in=state_codes(PURCHASE, "counts_as_pending"))),
        )
        .values_list("employee_id", "verified", "pending")
    )
    return {e: (int(v or 0), int(p or 0)) for e, v, p in rows if v or p}


def merchant_with_spans(*spans):
    from tests.factories import MerchantFactory

    merchant = MerchantFactory(status="verified")
    for start, end in spans:
        MerchantVerificationSpan.objects.create(
            merchant=merchant, verified_from=start, verified_until=end
        )
    return merchant


def test_merchant_check_equals_the_per_purchase_exists(ctx):
    merchants = {
        "whole": merchant_with_spans((wib(YEAR - 1, 1, 1), None)),
        "exact month": merchant_with_spans((START, END)),  # verified exactly for the month
        "from the 20th": merchant_with_spans((wib(YEAR, 1, 20, 9, 0), None)),
        "until the 15th": merchant_with_spans((wib(YEAR - 1, 1, 1), wib(YEAR, 1, 15))),
        "gap": merchant_with_spans(
            (wib(YEAR - 1, 1, 1), wib(YEAR, 1, 10)), (wib(YEAR, 1, 20), None)
        ),
        "ended before": merchant_with_spans((wib(YEAR - 1, 1, 1), wib(YEAR - 1, 12, 1))),
        "never": merchant_with_spans(),
        "after the month": merchant_with_spans((END, None)),
    }
    times = [
        START,  # 00:00 on the 1st
        wib(YEAR, 1, 9, 23, 59),
        wib(YEAR, 1, 10, 0, 0),
        wib(YEAR, 1, 15, 0, 0),
        wib(YEAR, 1, 20, 9, 0),
        wib(YEAR, 1, 31, 23, 59, 59),
    ]
    employees = {}
    for name, merchant in merchants.items():
        e = employees[name] = ctx.employee()
        for i, at in enumerate(times):
            ctx.buy(e, 1_000 * (i + 1), at=at, merchant=merchant)
        ctx.buy(e, 7, at=wib(YEAR, 1, 12), merchant=merchant, status="submitted")
        ctx.buy(e, 9, at=wib(YEAR, 1, 12), merchant=merchant, status="rejected")
    # A purchase whose stored period disagrees with its time (not made through save()):
    # the fast path must not assume it lies inside the month.
    odd = ctx.buy(employees["whole"], 500, at=wib(YEAR, 1, 5), merchant=merchants["ended before"])
    Purchase.objects.filter(pk=odd.pk).update(purchased_at=wib(YEAR - 1, 6, 1))
    period = period_get_or_create(PERIOD)

    spend = {e: vp for e, vp in engine.spend(period).items() if vp != (0, 0)}

    assert spend == reference_spend(period)
    # Hand-computed: 1.000 + 2.000 + … by the position of the purchase time in ``times``.
    expected = {
        "whole": 21_000
        + 500,  # all six, plus the odd purchase (verified on 1 June of the year before)
        "exact month": 21_000,
        "from the 20th": 5_000 + 6_000,
        "until the 15th": 1_000 + 2_000 + 3_000,  # the 15th 00:00 is already outside
        "gap": 1_000 + 2_000 + 5_000 + 6_000,
        "ended before": 0,
        "never": 0,
        "after the month": 0,
    }
    for name, e in employees.items():
        assert spend.get(e.pk, (0, 7)) == (expected[name], 7), name


def _writes_to_results(queries) -> list[str]:
    """The INSERT/UPDATE/DELETE statements on the result tables among ``queries``."""
    tables = (MonthlyCompliance._meta.db_table, TppDeduction._meta.db_table)
    writes = []
    for q in queries:
        sql = re.sub(r"^\d+ times: ", "", q["sql"])  # how Django logs an executemany
        target = sql.split("(", 1)[0].split(" SET ", 1)[0]
        if sql.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE") and any(
            t in target for t in tables
        ):
            writes.append(sql)
    return writes


def test_rerun_writes_only_what_changed(ctx):
    e1, e2, e3 = (ctx.employee() for _ in range(3))
    for e in (e1, e2, e3):
        ctx.buy(e, 200_000)
    clock.compute_period(period=PERIOD)
    before = {
        m.employee_id: (m.pk, m.computed_at, m.verified_spend)
        for m in MonthlyCompliance.objects.all()
    }
    deductions = {d.employee_id: (d.pk, d.updated_at) for d in TppDeduction.objects.all()}

    with CaptureQueriesContext(connection) as nothing_changed:
        clock.compute_period(period=PERIOD)
    assert _writes_to_results(nothing_changed.captured_queries) == []

    ctx.buy(e2, 50_000)
    with CaptureQueriesContext(connection) as one_changed:
        clock.compute_period(period=PERIOD)
    writes = _writes_to_results(one_changed.captured_queries)
    assert len(writes) == 2  # the compliance upsert and the deduction INSERT … SELECT
    after = {m.employee_id: m for m in MonthlyCompliance.objects.all()}
    assert after[e2.pk].pk == before[e2.pk][0] and after[e2.pk].verified_spend == 250_000
    assert after[e2.pk].computed_at > before[e2.pk][1]
    for e in (e1, e3):  # untouched, not even re-stamped
        assert (after[e.pk].pk, after[e.pk].computed_at, after[e.pk].verified_spend) == before[e.pk]
        assert TppDeduction.objects.get(employee=e).updated_at == deductions[e.pk][1]
    d2 = TppDeduction.objects.get(employee=e2)
    assert (d2.pk, d2.deduction_amount) == (deductions[e2.pk][0], 250_000)
    assert d2.updated_at > deductions[e2.pk][1]


def test_rerun_restores_a_missing_or_altered_draft_deduction(ctx):
    e1, e2 = ctx.employee(), ctx.employee()
    ctx.buy(e1, 100_000)
    ctx.buy(e2, 100_000)
    clock.compute_period(period=PERIOD)
    TppDeduction.objects.filter(employee=e1).delete()
    TppDeduction.objects.filter(employee=e2).update(deduction_amount=1)

    clock.compute_period(period=PERIOD)

    assert TppDeduction.objects.get(employee=e1).deduction_amount == 400_000
    assert TppDeduction.objects.get(employee=e2).deduction_amount == 400_000
    assert TppDeduction.objects.count() == 2


def test_employees_are_read_as_of_the_end_of_the_last_day_in_wib(ctx):
    """A change at 03:00 WIB on 1 February (20:00 UTC on 31 January) is February's."""
    late = ctx.employee()
    on_time = ctx.employee()
    ctx.backdate(late, wib(YEAR - 1, 6, 1))
    ctx.backdate(on_time, wib(YEAR - 1, 6, 1))
    ctx.history(late, [(wib(YEAR, 2, 1, 3, 0), {"tpp_ceiling": 8_000_000})])
    ctx.history(on_time, [(wib(YEAR, 1, 31, 23, 0), {"tpp_ceiling": 8_000_000})])

    clock.compute_period(period=PERIOD)

    assert MonthlyCompliance.objects.get(employee=late).tpp_ceiling == 5_000_000
    assert MonthlyCompliance.objects.get(employee=on_time).tpp_ceiling == 8_000_000


@pytest.mark.skipif(
    os.environ.get("EBAKUL_CLOSE_ON_SQLITE") == "1", reason="already the SQLite run"
)
def test_the_close_runs_on_sqlite_too():
    """The embedded default runs on SQLite: run the close's tests there (a fresh in-memory
    database) in a child process. On MariaDB the suite itself covers the MariaDB branch."""
    if connection.vendor == "sqlite":
        pytest.skip("this run is on SQLite already")
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DATABASE_URL": "",
        "EBAKUL_REQUIRE_MARIADB": "",
        "EBAKUL_CLOSE_ON_SQLITE": "1",
        "DJANGO_SETTINGS_MODULE": "ebakul.settings.test",
    }
    here = Path(__file__).parent
    child = subprocess.run(  # noqa: S603 - our own interpreter and test files
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(here / "test_cases.py"),
            str(here / "test_close.py"),
            str(here / "test_close_fast_paths.py"),
            str(here / "test_appeals_and_deductions.py"),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-3000:]
    assert " passed" in child.stdout and "failed" not in child.stdout


def test_single_employee_spend_uses_the_same_query(ctx):
    e = ctx.employee()
    ctx.buy(e, 120_000)
    ctx.buy(e, 30_000, status="submitted")
    other = ctx.employee()
    ctx.buy(other, 99_000)
    period = period_get_or_create(PERIOD)
    assert engine.spend(period, [e.pk]) == {e.pk: (120_000, 30_000)}
