"""Reads of the compliance app: the period calendar and an employee's progress."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ebakul.core.periods import (
    WIB,
    next_period,
    now_wib,
    parse_period,
    period_first_day,
    period_last_day,
)
from ebakul.employees.selectors import scope_by_employee

from .models import (
    Appeal,
    MonthlyCompliance,
    Period,
    PeriodStatus,
    SpendingRule,
    TppDeduction,
)


def rule_in_force(on: dt.date) -> SpendingRule | None:
    return SpendingRule.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def default_calendar(period: str) -> dict[str, dt.datetime]:
    """Closing times of ``period`` from the rule in force on its last day (or the model
    defaults): day N of the next month at the closing time, WIB."""
    parse_period(period)
    rule = rule_in_force(period_last_day(period)) or SpendingRule()
    following = period_first_day(next_period(period))

    def at(day: int) -> dt.datetime:
        return dt.datetime.combine(following.replace(day=day), rule.close_time, tzinfo=WIB)

    return {
        "submission_close": at(rule.submission_close_day),
        "verification_close": at(rule.verification_close_day),
        "appeal_close": at(rule.appeal_close_day),
    }


def period_get_or_default(period: str) -> Period:
    """The calendar row of ``period``, created from the defaults when missing."""
    found = Period.objects.filter(period=period).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Period.objects.create(period=period, **default_calendar(period))
    except IntegrityError:  # created meanwhile by another request
        return Period.objects.get(period=period)


def period_or_default(period: str) -> Period:
    """The calendar row of ``period`` or, when missing, an unsaved one with the default
    calendar: for reads, which never create periods (only the services and jobs do)."""
    found = Period.objects.filter(period=period).first()
    return found or Period(period=period, **default_calendar(period))


def submissions_open(period: str, at: dt.datetime | None = None) -> bool:
    p = period_or_default(period)
    at = at or timezone.now()
    return p.status != PeriodStatus.LOCKED and at <= p.submission_close


def employee_progress(*, employee, period: str) -> dict:
    """Progress toward the minimum of ``period``: live before the lock, the stored (final)
    result after it. A handful of queries, for one employee."""
    from .engine import evaluate, rule_for_period

    p = period_or_default(period)
    result = None
    if p.status == PeriodStatus.LOCKED:
        stored = MonthlyCompliance.objects.filter(employee=employee, period=period).first()
        if stored:
            result = {
                "required": stored.required_spend,
                "verified": stored.verified_spend,
                "pending": stored.pending_spend,
                "shortfall": stored.shortfall,
                "status": stored.status,
                "deduction": stored.deduction_amount,
            }
    if result is None:
        rule = p.rule if p.status == PeriodStatus.LOCKED and p.rule else rule_for_period(period)
        rows = evaluate(period=p, rule=rule, employee_ids=[employee.pk]) if rule else []
        row = rows[0] if rows else None
        result = {
            "required": row.required_spend if row else 0,
            "verified": row.verified_spend if row else 0,
            "pending": row.pending_spend if row else 0,
            "shortfall": row.shortfall if row else 0,
            "status": row.status if row else None,
            "deduction": row.deduction_amount if row else 0,
        }
    now = timezone.now()
    days_to_close = (p.submission_close.astimezone(WIB).date() - now_wib().date()).days
    return {
        "period": period,
        **result,
        "submission_close": p.submission_close,
        "days_to_close": max(days_to_close, 0),
        "submissions_open": p.status != PeriodStatus.LOCKED and now <= p.submission_close,
        "period_status": p.status,
    }


def _scope(qs, user, employee_field: str = "employee"):
    """Row scoping shared by compliance rows, deductions and appeals."""
    return scope_by_employee(qs, user, employee_field)


def compliance_visible_to(user) -> QuerySet[MonthlyCompliance]:
    return _scope(MonthlyCompliance.objects.select_related("employee", "rule"), user)


def deductions_visible_to(user) -> QuerySet[TppDeduction]:
    return _scope(TppDeduction.objects.select_related("employee"), user)


def appeals_visible_to(user) -> QuerySet[Appeal]:
    return _scope(Appeal.objects.select_related("employee"), user)


def deductions_for_export(*, period: str | None = None) -> QuerySet[TppDeduction]:
    """What e-TPP may see: final, acknowledged and cancelled (so it can reverse) deductions of
    locked periods; never drafts."""
    qs = TppDeduction.objects.exclude(status="draft").select_related("employee")
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("updated_at", "id")
