import datetime as dt

import pytest
from django.utils import translation

from ebakul.compliance import selectors, services
from ebakul.compliance.models import (
    ComplianceEvent,
    MonthlyCompliance,
    Period,
    TppDeduction,
)
from ebakul.core.errors import DomainError, PeriodLockedError, PermissionDeniedError
from tests import clock

from .conftest import PERIOD, YEAR, wib

ROW_FIELDS = [
    "id",
    "employee_id",
    "period",
    "rule_id",
    "employee_class_id",
    "tpp_ceiling",
    "active_days",
    "period_days",
    "required_spend",
    "verified_spend",
    "pending_spend",
    "shortfall",
    "status",
    "sanction_mode",
    "deduction_amount",
]
DED_FIELDS = [
    "id",
    "employee_id",
    "compliance_id",
    "deduction_amount",
    "status",
    "version",
    "created_at",
    "updated_at",
]


def snapshot():
    return (
        list(MonthlyCompliance.objects.order_by("employee_id").values_list(*ROW_FIELDS)),
        list(TppDeduction.objects.order_by("employee_id", "version").values_list(*DED_FIELDS)),
    )


def world(ctx, n=3):
    employees = [ctx.employee() for _ in range(n)]
    for i, e in enumerate(employees):
        ctx.buy(e, 200_000 * (i + 1))
    return employees


def test_default_calendar_is_3rd_7th_12th_next_month_2359_wib(ref):
    p = selectors.period_get_or_create(f"{YEAR}-12")
    assert p.submission_close == wib(YEAR + 1, 1, 3, 23, 59)
    assert p.verification_close == wib(YEAR + 1, 1, 7, 23, 59)
    assert p.appeal_close == wib(YEAR + 1, 1, 12, 23, 59)
    assert p.status == "open"
    assert selectors.period_get_or_create(f"{YEAR}-12").pk == p.pk


def test_close_twice_gives_identical_rows(ctx):
    world(ctx)
    first_stats = clock.compute_period(period=PERIOD)
    first = snapshot()
    second_stats = clock.compute_period(period=PERIOD)
    assert snapshot() == first  # same ids, same values, deductions' updated_at untouched
    assert first_stats == second_stats
    assert first_stats["employees"] == 3 and first_stats["shortfall"] == 2
    assert Period.objects.get(period=PERIOD).status == "computed"


def test_recompute_before_lock_updates_in_place(ctx):
    e1, e2, _e3 = world(ctx)
    clock.compute_period(period=PERIOD)
    row_before = MonthlyCompliance.objects.get(employee=e1, period=PERIOD)
    ded_before = TppDeduction.objects.get(employee=e1, period=PERIOD)
    other_before = TppDeduction.objects.get(employee=e2, period=PERIOD)

    ctx.buy(e1, 250_000)
    clock.compute_period(period=PERIOD)

    row = MonthlyCompliance.objects.get(employee=e1, period=PERIOD)
    ded = TppDeduction.objects.get(employee=e1, period=PERIOD)
    assert row.pk == row_before.pk and ded.pk == ded_before.pk
    assert (row.verified_spend, row.shortfall, ded.deduction_amount) == (450_000, 50_000, 50_000)
    assert ded.updated_at > ded_before.updated_at
    assert TppDeduction.objects.get(pk=other_before.pk).updated_at == other_before.updated_at


def test_employee_leaving_scope_loses_rows_on_recompute(ctx):
    e1, e2, _ = world(ctx)
    clock.compute_period(period=PERIOD)
    e1.active_to = dt.date(YEAR - 1, 12, 31)
    e1.save()
    stats = clock.compute_period(period=PERIOD)
    assert stats["removed"] == 1
    assert not MonthlyCompliance.objects.filter(employee=e1).exists()
    assert not TppDeduction.objects.filter(employee=e1).exists()
    assert MonthlyCompliance.objects.filter(employee=e2).exists()


def test_lock_makes_deductions_final_and_is_rerunnable(ctx):
    world(ctx)
    stats = clock.lock_period(period=PERIOD)  # computes first when never computed
    assert stats["finalised"] == 3
    assert set(TppDeduction.objects.values_list("status", flat=True)) == {"final"}
    p = Period.objects.get(period=PERIOD)
    assert p.status == "locked" and p.locked_at is not None
    before = snapshot()
    assert clock.lock_period(period=PERIOD)["already_locked"] is True
    assert snapshot() == before
    assert ComplianceEvent.objects.filter(kind="locked", period=PERIOD).count() == 1


def test_locked_period_refuses_compute_and_changes_nothing(ctx):
    e1, *_ = world(ctx)
    clock.lock_period(period=PERIOD)
    before = snapshot()
    ctx.buy(e1, 999_000)
    with pytest.raises(PeriodLockedError) as exc:
        clock.compute_period(period=PERIOD)
    assert str(exc.value.message) == str(services.MSG_PERIOD_LOCKED % {"period": PERIOD})
    assert f"Periode {PERIOD} sudah dikunci" in str(exc.value.message)  # Indonesian by default
    with translation.override("en"):
        assert str(services.MSG_PERIOD_LOCKED % {"period": PERIOD}).startswith(
            f"Period {PERIOD} is locked"
        )
    assert snapshot() == before


def test_locked_period_refuses_every_purchase_transition(ctx):
    e1, *_ = world(ctx)
    purchase = ctx.buy(e1, 10_000, status="submitted")
    clock.lock_period(period=PERIOD)
    for action in ("submit", "confirm", "dispute", "verify", "reject", "auto_verify"):
        with pytest.raises(PeriodLockedError) as exc:
            services.assert_purchase_changeable(purchase=purchase, action=action)
        assert exc.value.code == "period_locked"
    purchase.refresh_from_db()
    assert purchase.status == "submitted"


def test_submit_refused_after_submission_close_but_verify_allowed(ctx):
    e1 = ctx.employee()
    old = ctx.buy(e1, 10_000, at=wib(YEAR - 1, 1, 10, 9, 0), status="draft")  # closed on 3 February
    with pytest.raises(DomainError) as exc:
        services.assert_purchase_changeable(purchase=old, action="submit")
    assert exc.value.code == "submission_closed"
    assert f"{YEAR - 1}-01" in str(exc.value.message)
    services.assert_purchase_changeable(purchase=old, action="verify")  # not locked: allowed
    future = ctx.buy(e1, 10_000, status="draft")
    services.assert_purchase_changeable(purchase=future, action="submit")
    assert selectors.submissions_open(PERIOD) is True
    assert selectors.submissions_open(f"{YEAR - 1}-01") is False


def test_compute_and_lock_need_an_administrator(ctx, verifier, admin_user):
    world(ctx, 1)
    with pytest.raises(PermissionDeniedError):
        clock.compute_period(period=PERIOD, actor=verifier)
    assert not MonthlyCompliance.objects.exists()
    clock.compute_period(period=PERIOD, actor=admin_user)
    event = ComplianceEvent.objects.get(kind="computed")
    assert event.actor == admin_user and event.data["employees"] == 1


def _add_employees(ctx, n):
    for _ in range(n):
        e = ctx.employee()
        ctx.buy(e, 100_000)
        ctx.buy(e, 50_000, status="submitted")
    ctx.exempt(e, dt.date(YEAR, 1, 1), dt.date(YEAR, 1, 5))


def test_close_query_count_does_not_depend_on_employee_count(ctx, django_assert_max_num_queries):
    selectors.period_get_or_create(PERIOD)
    _add_employees(ctx, 10)
    with django_assert_max_num_queries(21) as small:
        assert clock.compute_period(period=PERIOD)["employees"] == 10
    _add_employees(ctx, 90)
    with django_assert_max_num_queries(21) as large:
        assert clock.compute_period(period=PERIOD)["employees"] == 100
    assert len(large.captured_queries) == len(small.captured_queries)


def test_employee_progress(ctx, employee_user):
    employee = employee_user.employee
    ctx.buy(employee, 120_000)
    ctx.buy(employee, 30_000, status="submitted")
    progress = selectors.employee_progress(employee=employee, period=PERIOD)
    assert progress["period"] == PERIOD
    assert progress["required"] == 385_473  # class 7 default ceiling 3.854.725 × 10%, up
    assert (progress["verified"], progress["pending"], progress["shortfall"]) == (
        120_000,
        30_000,
        265_473,
    )
    assert progress["status"] == "shortfall"
    assert progress["submission_close"] == wib(YEAR, 2, 3, 23, 59)
    assert progress["submissions_open"] is True
    assert progress["days_to_close"] > 60
    # after the lock: the stored result, even when purchases change afterwards
    clock.lock_period(period=PERIOD)
    ctx.buy(employee, 380_000)
    locked = selectors.employee_progress(employee=employee, period=PERIOD)
    assert (locked["verified"], locked["submissions_open"]) == (120_000, False)


def test_lock_takes_the_periods_purchases_out_of_the_verifiers_queues(ctx, verifier):
    from django.contrib.auth.models import Group

    from ebakul.accounts import roles
    from ebakul.workflow.models import Assignment, DocumentType

    employee = ctx.employee()
    waiting = ctx.buy(employee, 50_000, status="merchant_confirmed")
    next_month = ctx.buy(employee, 50_000, status="merchant_confirmed", at=wib(YEAR, 2, 3, 9, 0))
    group = Group.objects.get(name=roles.VERIFIER)
    for purchase in (waiting, next_month):
        Assignment.objects.create(
            document_type=DocumentType.PURCHASE,
            object_id=purchase.pk,
            assignee=verifier,
            group=group,
        )

    stats = clock.lock_period(period=PERIOD)

    assert stats["assignments_ended"] == 1
    open_ids = set(Assignment.objects.filter(active=True).values_list("object_id", flat=True))
    assert open_ids == {next_month.pk}  # only the locked period's purchase left the queue
    ended = Assignment.objects.get(object_id=waiting.pk)
    assert ended.ended_at is not None
    event = ComplianceEvent.objects.get(kind="locked", period=PERIOD)
    assert event.data["assignments_ended"] == 1
