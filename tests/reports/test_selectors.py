"""Each report's figures equal an independent computation in Python on the test data."""

from collections import defaultdict

import pytest

from ebakul.compliance.models import MonthlyCompliance, TppDeduction
from ebakul.core.errors import PermissionDeniedError
from ebakul.reports import selectors as rs
from ebakul.reports.definitions import REPORTS, REPORTS_BY_SLUG

pytestmark = pytest.mark.django_db


def _verified(world, period, **where):
    return [
        p
        for p in world.purchases
        if p["status"] == "verified"
        and p["period"] == period
        and all(p[k] == v for k, v in where.items())
    ]


def test_consumption_map_equals_python(world, admin_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        report = rs.consumption_map(user=admin_user, period=world.period)
    expected = defaultdict(lambda: [0, 0, 0, 0])
    for period, offset in ((world.period, 0), (world.prev, 2)):
        for p in _verified(world, period):
            cell = expected[(p["category"], p["kecamatan"])]
            cell[offset] += 1
            cell[offset + 1] += p["amount"]
    got = {
        (r["category"], r["kecamatan"]): [
            r["purchases"],
            r["spend"],
            r["prev_purchases"],
            r["prev_spend"],
        ]
        for r in report.rows
    }
    assert got == {k: v for k, v in expected.items()}
    total = sum(p["amount"] for p in _verified(world, world.period))
    prev_total = sum(p["amount"] for p in _verified(world, world.prev))
    assert report.totals["spend"] == total == 1_670_000
    assert report.totals["prev_spend"] == prev_total
    assert report.totals["change"] == total - prev_total
    row = next(
        r
        for r in report.rows
        if r["category"] == "Makanan & minuman" and r["kecamatan"] == "Bojonegoro"
    )
    assert row["change"] == 750_000 - 150_000
    assert row["change_pct"] == 400.0
    assert report.rows[0]["spend"] == max(r["spend"] for r in report.rows)


def test_consumption_map_filters_and_statuses(world, admin_user):
    dinkes = world.units["DINKES"]
    report = rs.consumption_map(user=admin_user, period=world.period, unit=dinkes)
    assert report.totals["spend"] == sum(
        p["amount"] for p in _verified(world, world.period, unit="DINKES")
    )
    kapas = world.merchants["m3"].kecamatan
    report = rs.consumption_map(user=admin_user, period=world.period, kecamatan=kapas)
    assert {r["kecamatan"] for r in report.rows} == {"Kapas"}
    assert report.totals["spend"] == sum(
        p["amount"] for p in _verified(world, world.period, kecamatan="Kapas")
    )
    pending = rs.consumption_map(user=admin_user, period=world.period, status="pending")
    assert (
        pending.totals["spend"]
        == sum(
            p["amount"]
            for p in world.purchases
            if p["period"] == world.period
            and p["status"] in ("submitted", "merchant_confirmed", "merchant_disputed")
        )
        == 130_000
    )


def test_merchant_ranking_concentration_and_new(world, admin_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        report = rs.merchant_ranking(user=admin_user, period=world.period)
    sales = defaultdict(int)
    for p in _verified(world, world.period):
        sales[p["merchant"]] += p["amount"]
    ranked = sorted(sales.values(), reverse=True)
    assert [r["sales"] for r in report.rows] == ranked
    total = sum(ranked)
    assert report.summary["total_sales"] == total
    assert report.summary["top10_share_pct"] == 100.0  # fewer than ten merchants
    hhi = sum((100 * s / total) ** 2 for s in ranked)
    assert report.summary["hhi"] == pytest.approx(hhi, abs=0.05)
    # m4 sold for the first time this period; m1, m2, m3 sold last month already.
    new = {r["merchant_id"] for r in report.rows if r["is_new"]}
    assert new == {world.merchants["m4"].pk}
    assert report.summary["new_merchants"] == 1
    assert report.rows[0]["rank"] == 1
    assert report.rows[0]["merchant_id"] == world.merchants["m1"].pk  # 750,000


def test_merchant_ranking_limit_keeps_concentration_of_all(world, admin_user):
    report = rs.merchant_ranking(user=admin_user, period=world.period, limit=2)
    assert len(report.rows) == 2
    assert report.summary["merchants"] == 4
    assert report.summary["total_sales"] == 1_670_000


def _compliance_rows(world, unit=None):
    qs = MonthlyCompliance.objects.filter(period=world.period).select_related(
        "employee__work_unit", "employee_class"
    )
    return [c for c in qs if unit is None or c.employee.work_unit.code == unit]


def test_compliance_by_unit_equals_python(world, admin_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        report = rs.compliance_by_unit(user=admin_user, period=world.period)
    rows = _compliance_rows(world)
    assert len(rows) == 6  # the compliance app assessed every test employee
    expected = defaultdict(lambda: defaultdict(int))
    for c in rows:
        e = expected[c.employee.work_unit.code]
        e["employees"] += 1
        e["compliant"] += c.status == "compliant"
        e["below_target"] += c.status == "shortfall"
        e["verified"] += c.verified_spend
        e["required"] += c.required_spend
        e["shortfall"] += c.shortfall
        e["deductions"] += c.deduction_amount
    for r in report.rows:
        e = expected[r["unit_code"]]
        for key in (
            "employees",
            "compliant",
            "below_target",
            "verified",
            "required",
            "shortfall",
            "deductions",
        ):
            assert r[key] == e[key], (r["unit_code"], key)
        assert r["compliance_rate"] == round(100 * e["compliant"] / e["employees"], 1)
    assert {r["unit_code"] for r in report.rows} == {"DINKES", "BPKAD"}
    # The verified spend the compliance app counted is the verified purchases of the period.
    assert report.totals["verified"] == 1_670_000


def test_compliance_by_class_equals_python(world, admin_user):
    report = rs.compliance_by_class(user=admin_user, period=world.period)
    expected = defaultdict(lambda: [0, 0, 0])
    for c in _compliance_rows(world):
        e = expected[c.employee_class.number]
        e[0] += 1
        e[1] += c.status == "compliant"
        e[2] += c.shortfall
    got = {r["class_number"]: [r["employees"], r["compliant"], r["shortfall"]] for r in report.rows}
    assert got == dict(expected)


def test_employee_list_and_status_filter(world, admin_user):
    report = rs.employee_status_list(user=admin_user, period=world.period)
    by_nip = {c.employee.nip: c for c in _compliance_rows(world)}
    assert {r["nip"] for r in report.rows} == set(by_nip)
    for r in report.rows:
        c = by_nip[r["nip"]]
        assert (r["required"], r["verified"], r["pending"], r["status"]) == (
            c.required_spend,
            c.verified_spend,
            c.pending_spend,
            c.status,
        )
    below = rs.employee_status_list(user=admin_user, period=world.period, status="shortfall")
    assert {r["nip"] for r in below.rows} == {
        nip for nip, c in by_nip.items() if c.status == "shortfall"
    }
    assert below.rows  # the data has employees below target


def test_deduction_register_is_what_etpp_pulls(world, admin_user, django_assert_max_num_queries):
    from ebakul.compliance import services as compliance_services

    first = TppDeduction.objects.filter(period=world.period).order_by("id").first()
    compliance_services.deduction_acknowledge(
        deduction=first,
        etpp_reference="ETPP-1",
        applied_amount=first.deduction_amount,
        applied_at=first.updated_at,
        actor=admin_user,
    )
    with django_assert_max_num_queries(3):
        report = rs.deduction_register(user=admin_user, period=world.period)
    expected = TppDeduction.objects.filter(
        period=world.period, status__in=["final", "acknowledged"]
    )
    assert sorted(r["id"] for r in report.rows) == sorted(d.pk for d in expected)
    assert report.totals["deduction_amount"] == sum(d.deduction_amount for d in expected)
    assert report.summary["acknowledged"] == 1
    ack = next(r for r in report.rows if r["id"] == first.pk)
    assert ack["etpp_reference"] == "ETPP-1"


def test_monthly_trend_equals_python(world, admin_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        report = rs.monthly_trend(user=admin_user, period_from=world.prev, period_to=world.period)
    assert [r["period"] for r in report.rows] == [world.prev, world.period]
    for row in report.rows:
        assert row["verified_spend"] == sum(p["amount"] for p in _verified(world, row["period"]))
    now = report.rows[1]
    comp = _compliance_rows(world)
    assert now["employees"] == len(comp)
    assert now["compliant"] == sum(c.status == "compliant" for c in comp)
    assert now["deductions"] == sum(
        d.deduction_amount for d in TppDeduction.objects.filter(period=world.period, status="final")
    )
    assert report.rows[0]["employees"] == 0  # the previous month was never computed


def test_operator_sees_only_their_unit_in_every_selector(world, operator_user, other_operator):
    dinkes = {e.pk for e in world.employees if e.work_unit.code == "DINKES"}
    cm = rs.consumption_map(user=operator_user, period=world.period)
    assert cm.totals["spend"] == sum(
        p["amount"] for p in _verified(world, world.period, unit="DINKES")
    )
    mr = rs.merchant_ranking(user=operator_user, period=world.period)
    assert mr.summary["total_sales"] == cm.totals["spend"]
    cu = rs.compliance_by_unit(user=operator_user, period=world.period)
    assert [r["unit_code"] for r in cu.rows] == ["DINKES"]
    el = rs.employee_status_list(user=operator_user, period=world.period)
    assert {r["employee_id"] for r in el.rows} == dinkes
    dr = rs.deduction_register(user=operator_user, period=world.period)
    assert {r["nip"] for r in dr.rows} <= {e.nip for e in world.employees if e.pk in dinkes}
    tr = rs.monthly_trend(user=operator_user, period_from=world.period, period_to=world.period)
    assert tr.rows[0]["employees"] == len(dinkes)
    # Asking for another unit's rows gives nothing, not their figures.
    other = rs.consumption_map(user=operator_user, period=world.period, unit=world.units["BPKAD"])
    assert other.rows == []
    bp = rs.compliance_by_unit(user=other_operator, period=world.period)
    assert [r["unit_code"] for r in bp.rows] == ["BPKAD"]


@pytest.mark.parametrize(
    "fn",
    [
        lambda u, p: rs.consumption_map(user=u, period=p),
        lambda u, p: rs.merchant_ranking(user=u, period=p),
        lambda u, p: rs.monthly_trend(user=u, period_from=p, period_to=p),
        lambda u, p: rs.compliance_by_unit(user=u, period=p),
        lambda u, p: rs.compliance_by_class(user=u, period=p),
        lambda u, p: rs.employee_status_list(user=u, period=p),
        lambda u, p: rs.deduction_register(user=u, period=p),
        lambda u, p: rs.dashboard_figures(user=u, period=p),
    ],
)
def test_employees_and_merchants_are_refused(world, employee_user, merchant_user, fn):
    for user in (employee_user, merchant_user):
        with pytest.raises(PermissionDeniedError):
            fn(user, world.period)


@pytest.mark.parametrize("slug", [r.slug for r in REPORTS])
def test_query_count_does_not_grow_with_data(world, admin_user, slug):
    """Run each report, add purchases for more employees and merchants, run it again: the same
    number of queries."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ebakul.core.periods import period_bounds
    from tests.factories import EmployeeFactory, PurchaseFactory, verified_merchant

    report = REPORTS_BY_SLUG[slug]
    data = {
        "period": world.period,
        "period_from": world.prev,
        "period_to": world.period,
        "limit": "50",
        "status": "verified",
    }
    with CaptureQueriesContext(connection) as before:
        report.run(admin_user, data)
    start = period_bounds(world.period)[0]
    for i in range(12):
        PurchaseFactory(
            employee=EmployeeFactory(work_unit=world.units["DINKES" if i % 2 else "BPKAD"]),
            merchant=verified_merchant(),
            status="verified",
            purchased_at=start + dt.timedelta(hours=3, minutes=i),
        )
    with CaptureQueriesContext(connection) as after:
        report.run(admin_user, data)
    assert len(after) == len(before) <= 4


def test_register_api_and_statement_share_the_current_deduction(world, admin_user):
    """One definition of the current deduction and of the export row: after a correction the
    register, the e-TPP export and the statement all show the new version, once."""
    from ebakul.compliance import selectors as cs
    from ebakul.compliance import services as compliance_services

    old = TppDeduction.objects.filter(period=world.period).order_by("id").first()
    new = compliance_services.deduction_correct(
        deduction=old, deduction_amount=0, reason="Koreksi banding", actor=admin_user
    )
    report = rs.deduction_register(user=admin_user, period=world.period)
    export = {
        r["id"]: r
        for r in cs.deduction_export_rows(cs.current_deductions_for_export(period=world.period))
    }
    assert sorted(r["id"] for r in report.rows) == sorted(export)
    assert old.pk not in export and new.pk in export
    from ebakul.compliance.models import SanctionMode

    for row in report.rows:
        # The register reads the sanction mode by its label (people read it); the export keeps
        # the code (e-TPP reads it). Every other column is the same value.
        same = [k for k in cs.EXPORT_COLUMNS if k != "sanction_mode"]
        assert {k: row[k] for k in same} == {k: export[row["id"]][k] for k in same}
        assert row["sanction_mode"] == SanctionMode(export[row["id"]]["sanction_mode"]).label
    assert len({r["nip"] for r in report.rows}) == len(report.rows)
    statement = rs.statement_for(employee=old.employee, period=world.period)
    assert statement["deduction"].pk == new.pk
