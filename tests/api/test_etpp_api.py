"""Contract tests for periods, the deduction export, acknowledgements and employee compliance
(docs/api.md, ../shared/docs/etpp-api.md)."""

import datetime as dt
import re

import pytest
from django.db.models import Sum

from ebakul.compliance.models import (
    ComplianceEvent,
    DeductionStatus,
    MonthlyCompliance,
    Period,
    TppDeduction,
)
from ebakul.core.periods import next_period, previous_period

from .test_employees_api import assert_problem

pytestmark = pytest.mark.django_db

ROW_TYPES = {
    "id": int,
    "nip": str,
    "name": str,
    "unit_code": str,
    "employee_class": int,
    "tpp_ceiling": int,
    "required_spend": int,
    "verified_spend": int,
    "shortfall": int,
    "sanction_mode": str,
    "deduction_amount": int,
    "status": str,
    "version": int,
    "updated_at": str,
    "adjustment_amount": int,  # added for appeals' reductions (backwards-compatible)
    "adjustment_reason": str,
}
ISO_DT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def export_url(period, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/periods/{period}/deductions/" + (f"?{query}" if query else "")


def fetch_all(api, period, **params):
    pages, url = [], export_url(period, **params)
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        page = response.json()
        pages.append(page)
        url = page["next"]
        assert len(pages) < 100
    return pages


def assert_row_shape(row):
    assert set(row) == set(ROW_TYPES)
    for name, kind in ROW_TYPES.items():
        assert type(row[name]) is kind, (name, row[name])
    assert re.fullmatch(r"\d{18}", row["nip"])
    assert row["status"] in {"final", "acknowledged", "cancelled"}
    assert ISO_DT.match(row["updated_at"])


# --- periods ---------------------------------------------------------------------------------


def test_periods_list(api, locked_period):
    later = next_period(locked_period)
    Period.objects.create(
        period=later,
        submission_close=dt.datetime(2030, 1, 3, tzinfo=dt.UTC),
        verification_close=dt.datetime(2030, 1, 7, tzinfo=dt.UTC),
        appeal_close=dt.datetime(2030, 1, 12, tzinfo=dt.UTC),
    )
    response = api.get("/api/v1/periods/")
    assert response.status_code == 200
    data = response.json()
    assert [p["period"] for p in data] == [later, locked_period]
    assert data[0] == {"period": later, "status": "open", "locked_at": None}
    assert data[1]["status"] == "locked"
    assert ISO_DT.match(data[1]["locked_at"])
    assert set(data[1]) == {"period", "status", "locked_at"}


# --- export ----------------------------------------------------------------------------------


def test_export_of_an_open_or_computed_period_is_409(api, computed_period):
    problem = assert_problem(api.get(export_url(computed_period)), 409)
    assert problem["type"] == "urn:ebakul:problem:period-not-final"
    assert problem["period_status"] == "computed"
    never = previous_period(previous_period(computed_period))
    problem = assert_problem(api.get(export_url(never)), 409)
    assert problem["period_status"] == "open"
    assert not Period.objects.filter(period=never).exists()  # a read creates nothing


def test_export_of_a_locked_period_paginates_to_the_last_row(api, locked_period):
    pages = fetch_all(api, locked_period, page_size=3)
    rows = [r for p in pages for r in p["results"]]
    assert [len(p["results"]) for p in pages] == [3, 3, 2]
    assert all(p["count"] == 8 and p["period"] == locked_period for p in pages)
    assert pages[-1]["next"] is None
    assert [r["nip"] for r in rows] == sorted(r["nip"] for r in rows)
    for row in rows:
        assert_row_shape(row)


def test_export_holds_one_row_per_subject_employee_and_its_totals_match(
    api, locked_period, subject_employees
):
    rows = [r for p in fetch_all(api, locked_period, page_size=1000) for r in p["results"]]
    nips = [r["nip"] for r in rows]
    assert len(nips) == len(set(nips))
    assert set(nips) == {e.nip for e in subject_employees}
    compliance = MonthlyCompliance.objects.filter(period=locked_period)
    assert compliance.count() == len(rows)
    totals = compliance.aggregate(
        required=Sum("required_spend"), verified=Sum("verified_spend"), shortfall=Sum("shortfall")
    )
    assert sum(r["required_spend"] for r in rows) == totals["required"]
    assert sum(r["verified_spend"] for r in rows) == totals["verified"]
    assert sum(r["shortfall"] for r in rows) == totals["shortfall"]
    deductions = TppDeduction.objects.filter(period=locked_period)
    assert (
        sum(r["deduction_amount"] for r in rows)
        == deductions.aggregate(s=Sum("deduction_amount"))["s"]
    )
    by_nip = {r["nip"]: r for r in rows}
    compliant = by_nip[subject_employees[0].nip]
    assert compliant["deduction_amount"] == 0 and compliant["shortfall"] == 0  # zeros included
    assert by_nip[subject_employees[1].nip]["verified_spend"] == 150_000
    assert {r["status"] for r in rows} == {"final"}
    for nip, row in by_nip.items():
        d = deductions.select_related("compliance", "employee").get(employee__nip=nip)
        assert row["id"] == d.pk
        assert row["tpp_ceiling"] == d.compliance.tpp_ceiling
        assert row["required_spend"] == d.compliance.required_spend
        assert row["employee_class"] == d.employee.employee_class.number
        assert row["unit_code"] == d.employee.work_unit.code
        assert row["sanction_mode"] == d.sanction_mode


def test_export_filters_by_unit(api, locked_period, subject_employees):
    rows = [
        r for p in fetch_all(api, locked_period, unit="DINKES", page_size=2) for r in p["results"]
    ]
    assert {r["unit_code"] for r in rows} == {"DINKES"}
    assert len(rows) == sum(1 for e in subject_employees if e.work_unit.code == "DINKES")
    assert fetch_all(api, locked_period, unit="NOPE")[0] == {
        "period": locked_period,
        "count": 0,
        "next": None,
        "results": [],
    }


def test_export_page_query_count_is_bounded(api, locked_period, django_assert_max_num_queries):
    first = api.get(export_url(locked_period, page_size=2)).json()
    with django_assert_max_num_queries(5):
        response = api.get(first["next"])
    assert response.status_code == 200
    with django_assert_max_num_queries(5):
        assert api.get(export_url(locked_period, page_size=1000)).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
        ({"page_size": "abc"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_export_refuses_bad_parameters(api, locked_period, params, field):
    problem = assert_problem(api.get(export_url(locked_period, **params)), 400)
    assert [e["field"] for e in problem["errors"]] == [field]


def test_export_refuses_a_malformed_period(api):
    problem = assert_problem(api.get(export_url("2026-13")), 400)
    assert problem["errors"][0]["field"] == "period"


def test_export_shows_the_corrected_version_only(api, locked_period, admin_user):
    from ebakul.compliance.services import deduction_correct

    old = TppDeduction.objects.filter(period=locked_period).order_by("employee__nip").last()
    new = deduction_correct(
        deduction=old, deduction_amount=1234, reason="Banding", actor=admin_user
    )
    rows = [r for p in fetch_all(api, locked_period) for r in p["results"]]
    assert len(rows) == 8
    row = next(r for r in rows if r["nip"] == old.employee.nip)
    assert (row["id"], row["version"], row["deduction_amount"]) == (new.pk, 2, 1234)


# --- acknowledge -----------------------------------------------------------------------------


def ack_url(pk):
    return f"/api/v1/deductions/{pk}/acknowledge/"


def ack_body(**kw):
    body = {
        "etpp_reference": "ETPP-2026-0001",
        "applied_amount": 0,
        "applied_at": "2026-11-20T10:00:00+07:00",
    }
    body.update(kw)
    return body


def a_deduction(period, positive=True):
    qs = TppDeduction.objects.filter(period=period)
    qs = qs.filter(deduction_amount__gt=0) if positive else qs.filter(deduction_amount=0)
    return qs.order_by("employee__nip").first()


def snapshot(d):
    d.refresh_from_db()
    return (
        d.status,
        d.etpp_reference,
        d.applied_amount,
        d.applied_at,
        d.updated_at,
        d.history.count(),
    )


def test_acknowledge_then_again_is_harmless(api, locked_period):
    d = a_deduction(locked_period)
    body = ack_body(applied_amount=d.deduction_amount)
    first = api.post(ack_url(d.pk), body, format="json")
    assert first.status_code == 200, first.content
    data = first.json()
    assert data["id"] == d.pk and data["status"] == "acknowledged"
    assert data["etpp_reference"] == "ETPP-2026-0001"
    assert data["applied_amount"] == d.deduction_amount
    assert data["period"] == locked_period
    for name, kind in ROW_TYPES.items():
        assert type(data[name]) is kind
    assert ISO_DT.match(data["applied_at"])
    before = snapshot(d)
    events = ComplianceEvent.objects.count()
    again = api.post(ack_url(d.pk), body, format="json")
    assert again.status_code == 200
    assert again.json() == data
    assert snapshot(d) == before
    assert ComplianceEvent.objects.count() == events
    # The export now says acknowledged.
    rows = [r for p in fetch_all(api, locked_period) for r in p["results"]]
    assert next(r for r in rows if r["id"] == d.pk)["status"] == "acknowledged"


@pytest.mark.parametrize("change", [{"etpp_reference": "ETPP-OTHER"}, {"applied_amount": 1}])
def test_acknowledge_with_another_reference_or_amount_is_409(api, locked_period, change):
    d = a_deduction(locked_period)
    body = ack_body(applied_amount=d.deduction_amount)
    assert api.post(ack_url(d.pk), body, format="json").status_code == 200
    before = snapshot(d)
    response = api.post(ack_url(d.pk), {**body, **change}, format="json")
    problem = assert_problem(response, 409)
    assert problem["type"] == "urn:ebakul:problem:acknowledgement-conflict"
    assert snapshot(d) == before


def test_acknowledge_zero_deduction(api, locked_period):
    d = a_deduction(locked_period, positive=False)
    assert api.post(ack_url(d.pk), ack_body(), format="json").status_code == 200


def test_acknowledge_needs_the_write_scope(api_with, read_key, locked_period):
    d = a_deduction(locked_period)
    before = snapshot(d)
    response = api_with(read_key.raw).post(ack_url(d.pk), ack_body(), format="json")
    assert_problem(response, 403)
    assert snapshot(d) == before


def test_acknowledge_of_a_draft_is_404_and_changes_nothing(api, computed_period):
    d = a_deduction(computed_period)
    assert d.status == DeductionStatus.DRAFT
    before = snapshot(d)
    assert_problem(api.post(ack_url(d.pk), ack_body(), format="json"), 404)
    assert snapshot(d) == before
    assert_problem(api.post(ack_url(999999999), ack_body(), format="json"), 404)


def test_acknowledge_of_a_superseded_version_is_409(api, locked_period, admin_user):
    from ebakul.compliance.services import deduction_correct

    d = a_deduction(locked_period)
    deduction_correct(deduction=d, deduction_amount=1, reason="Koreksi", actor=admin_user)
    before = snapshot(d)
    problem = assert_problem(api.post(ack_url(d.pk), ack_body(), format="json"), 409)
    assert problem["type"] == "urn:ebakul:problem:deduction-not-final"
    assert snapshot(d) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"applied_amount": 1, "applied_at": "2026-11-20T10:00:00Z"}, "etpp_reference"),
        (ack_body(applied_amount=-5), "applied_amount"),
        (ack_body(applied_amount="banyak"), "applied_amount"),
        (ack_body(applied_at="kemarin"), "applied_at"),
    ],
)
def test_acknowledge_validates_the_body(api, locked_period, body, field):
    d = a_deduction(locked_period)
    before = snapshot(d)
    problem = assert_problem(api.post(ack_url(d.pk), body, format="json"), 400)
    assert field in [e["field"] for e in problem["errors"]]
    assert snapshot(d) == before


# --- employee compliance ---------------------------------------------------------------------


def compliance_url(nip, period):
    return f"/api/v1/employees/{nip}/compliance/?period={period}"


def test_employee_compliance_open_period_is_live(api, subject_employees, period):
    e = subject_employees[1]
    response = api.get(compliance_url(e.nip, period))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["nip"] == e.nip and data["period"] == period
    assert data["period_status"] == "open"
    assert data["verified_spend"] == 150_000
    assert data["required_spend"] >= 300_000
    assert data["shortfall"] == data["required_spend"] - 150_000
    assert data["status"] == "shortfall"
    assert data["deduction"] is None
    pending = api.get(compliance_url(subject_employees[2].nip, period)).json()
    assert pending["pending_spend"] == 90_000


def test_employee_compliance_locked_period_is_the_stored_result(
    api, locked_period, subject_employees
):
    e = subject_employees[1]
    stored = MonthlyCompliance.objects.get(employee=e, period=locked_period)
    data = api.get(compliance_url(e.nip, locked_period)).json()
    assert data["period_status"] == "locked"
    assert (
        data["required_spend"],
        data["verified_spend"],
        data["pending_spend"],
        data["shortfall"],
    ) == (
        stored.required_spend,
        stored.verified_spend,
        stored.pending_spend,
        stored.shortfall,
    )
    assert data["status"] == stored.status
    assert data["deduction"]["deduction_amount"] == stored.deduction_amount
    assert_row_shape(data["deduction"])


def test_employee_compliance_errors(api, subject_employees, period):
    assert_problem(api.get(compliance_url("000000000000000000", period)), 404)
    problem = assert_problem(api.get(compliance_url(subject_employees[0].nip, "10-2026")), 400)
    assert problem["errors"][0]["field"] == "period"
    assert_problem(api.get(f"/api/v1/employees/{subject_employees[0].nip}/compliance/"), 400)


def test_the_raw_page_query_gives_the_export_rows_of_the_orm(locked_period, admin_user):
    """``_PAGE_SQL`` (fixed join order, ADR 0043) and the one export-row definition
    (``compliance.selectors.deduction_export_rows`` on the current deductions) agree, row for row
    and column for column, also after a correction and for a unit filter."""
    from ebakul.api.views.etpp import page_rows
    from ebakul.compliance import selectors as cs
    from ebakul.compliance.services import deduction_correct

    old = TppDeduction.objects.filter(period=locked_period).order_by("employee__nip").first()
    deduction_correct(deduction=old, deduction_amount=4321, reason="Banding", actor=admin_user)
    orm = list(
        cs.deduction_export_rows(cs.current_deductions_for_export(period=locked_period)).order_by(
            "employee__nip"
        )
    )
    sql = page_rows(period=locked_period, after=None, unit=None, limit=1000)
    assert [tuple(r[c] for c in cs.EXPORT_COLUMNS) for r in sql] == [
        tuple(r[c] for c in cs.EXPORT_COLUMNS) for r in orm
    ]
    assert any(r["version"] == 2 and r["deduction_amount"] == 4321 for r in sql)
    unit = orm[0]["unit_code"]
    in_unit = page_rows(period=locked_period, after=orm[0]["nip"], unit=unit, limit=1000)
    assert [r["nip"] for r in in_unit] == [r["nip"] for r in orm[1:] if r["unit_code"] == unit]
