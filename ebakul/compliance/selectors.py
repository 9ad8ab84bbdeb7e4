"""Reads of the compliance app: the period calendar and an employee's progress."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
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

from . import adjustments
from .models import (
    Appeal,
    Exemption,
    MonthlyCompliance,
    Period,
    PeriodStatus,
    SpendingRule,
    TppDeduction,
    TppDeductionQuerySet,
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


def period_get_or_create(period: str) -> Period:
    """The calendar row of ``period``, created (a write) from the defaults when missing; reads
    use ``period_or_default``, which never creates."""
    found = Period.objects.filter(period=period).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Period.objects.create(period=period, **default_calendar(period))
    except IntegrityError:  # created meanwhile by another request
        return Period.objects.get(period=period)


def appeal_close_of(period: str) -> dt.datetime:
    """The appeal close of ``period``: its calendar row when there is one, else the default
    calendar. A read: it never creates the period."""
    found = Period.objects.filter(period=period).values_list("appeal_close", flat=True).first()
    return found or default_calendar(period)["appeal_close"]


def periods_open_for_appeal(at: dt.datetime | None = None) -> QuerySet[Period]:
    """The months whose results may be appealed now: computed (not yet locked) and not past
    their appeal close (ADR 0106, 0112). The one definition the portal (which month the appeal
    page offers) and ``services.appeal_create`` (which refuses the others) share."""
    return Period.objects.filter(
        status=PeriodStatus.COMPUTED, appeal_close__gte=at or timezone.now()
    )


def appeal_window_open(period: str, at: dt.datetime | None = None) -> bool:
    """Whether something of ``period`` may still be contested: not locked and before its
    appeal close (docs/adr/0112)."""
    status = Period.objects.filter(period=period).values_list("status", flat=True).first()
    if status == PeriodStatus.LOCKED:
        return False
    return (at or timezone.now()) <= appeal_close_of(period)


def purchase_in_appeal_window(purchase) -> bool:
    """Workflow condition hook ``appeal_window_open`` for purchases (registered in apps.py)."""
    period = getattr(purchase, "period", None)
    return bool(period) and appeal_window_open(str(period))


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
        rows = adjustments.apply(period, rows, [employee.pk])  # appeals' reductions
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


def exemptions_visible_to(user) -> QuerySet[Exemption]:
    """Exemptions by the employee's unit: an OPD operator sees their units' employees only."""
    return _scope(Exemption.objects.select_related("employee", "decided_by"), user)


def deductions_for_export(*, period: str | None = None) -> TppDeductionQuerySet:
    """What e-TPP may see: final, acknowledged and cancelled (so it can reverse) deductions of
    locked periods; never drafts."""
    qs = TppDeduction.objects.exclude(status="draft").select_related("employee")
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("updated_at", "id")


def current_deductions_for_export(*, period: str | None = None) -> QuerySet[TppDeduction]:
    """The deductions e-TPP reads per employee: the current versions in the export scope, one
    row per employee and period (a corrected deduction is replaced by its newer version)."""
    return deductions_for_export(period=period).current()


# The e-TPP export row: its columns in the API's order (the API's raw page query selects them in
# this order too), and those that are not the deduction's own fields.
EXPORT_COLUMNS = (
    "id",
    "nip",
    "name",
    "unit_code",
    "employee_class",
    "tpp_ceiling",
    "required_spend",
    "verified_spend",
    "shortfall",
    "sanction_mode",
    "deduction_amount",
    "status",
    "version",
    "updated_at",
)
_EXPORT_EXPRESSIONS = {
    "nip": F("employee__nip"),
    "name": F("employee__name"),
    "unit_code": F("employee__work_unit__code"),
    # the job class of the result, else the employee's
    "employee_class": Coalesce(
        F("compliance__employee_class__number"), F("employee__employee_class__number")
    ),
    "tpp_ceiling": F("compliance__tpp_ceiling"),
    "required_spend": F("compliance__required_spend"),
    "verified_spend": F("compliance__verified_spend"),
    "shortfall": F("compliance__shortfall"),
}


def deduction_export_rows(qs: QuerySet[TppDeduction], *extra: str, **named) -> QuerySet:
    """``qs`` as e-TPP export rows (``EXPORT_COLUMNS``, plus ``extra`` fields and ``named``
    expressions): what the API sends and the deduction register shows."""
    own = [c for c in EXPORT_COLUMNS if c not in _EXPORT_EXPRESSIONS]
    return qs.values(*own, *extra, **_EXPORT_EXPRESSIONS, **named)


def appeals_by_period(employee) -> dict[str, Appeal]:
    """period → the employee's latest appeal of that period (for the portal)."""
    out = {}
    for a in Appeal.objects.filter(employee=employee).order_by("created_at", "id"):
        out[a.period] = a
    return out


def period_preview(*, period: str) -> dict:
    """What computing ``period`` now would give, without writing anything (the control page's
    preview and the simulation, ADR 0100): employees, compliant/short/exempt counts, total
    deductions, and the difference from the stored results of the last compute (how many
    employees would change, and the total deductions stored now)."""
    from collections import Counter

    from . import adjustments
    from .engine import evaluate, rule_for_period

    p = period_or_default(period)
    rule = rule_for_period(period)
    # The same figures a compute would write: the engine, then the appeals' reductions.
    results = adjustments.apply(period, evaluate(period=p, rule=rule)) if rule else []
    counts = Counter(r.status for r in results)
    stored = {
        e: (s, d)
        for e, s, d in MonthlyCompliance.objects.filter(period=period).values_list(
            "employee_id", "status", "deduction_amount"
        )
    }
    total = sum(r.deduction_amount for r in results)
    changed = sum(
        1
        for r in results
        if r.employee_id in stored and stored[r.employee_id] != (r.status, r.deduction_amount)
    )
    new_ids = {r.employee_id for r in results}
    return {
        "period": period,
        "rule": rule.pk if rule else None,
        "employees": len(results),
        "compliant": counts.get("compliant", 0),
        "shortfall": counts.get("shortfall", 0),
        "exempt": counts.get("exempt", 0),
        "deduction_total": total,
        "has_stored": bool(stored),
        "stored_employees": len(stored),
        "stored_deduction_total": sum(d for _s, d in stored.values()),
        "deduction_difference": total - sum(d for _s, d in stored.values()),
        "changed": changed,
        "added": len(new_ids - stored.keys()),
        "removed": len(stored.keys() - new_ids),
    }


def period_lock_changes(*, period: str) -> int | None:
    """How many employees' results changed between the compute and the lock of ``period``
    (recorded by the lock), or None when it is not locked by a lock that recomputes."""
    from .models import ComplianceEvent

    event = (
        ComplianceEvent.objects.filter(kind="locked", period=period)
        .order_by("-at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    if not event or "changed_since_compute" not in event:
        return None
    return int(event["changed_since_compute"])


def period_control(*, period: Period) -> dict:
    """What the period control page shows besides the calendar (ADR 0100): which steps are
    possible now and, until the lock, a preview computed without writing."""
    now = timezone.now()
    locked = period.status == PeriodStatus.LOCKED
    early = period.status == PeriodStatus.OPEN and now < period.verification_close
    return {
        "period": period,
        "now": now,
        "locked": locked,
        "early": early,
        "can_simulate": not locked,
        "can_compute": not locked and not early,
        "can_lock": not locked and not early,
        "before_appeal_close": now < period.appeal_close,
        "preview": None if locked else period_preview(period=period.period),
    }


def period_to_control() -> Period:
    """The period an administrator most likely has to act on: the oldest one not locked whose
    month has ended, else the current month."""
    from ebakul.core.periods import current_period

    current = current_period()
    waiting = (
        Period.objects.exclude(status=PeriodStatus.LOCKED)
        .filter(period__lt=current)
        .order_by("period")
        .first()
    )
    return waiting or period_get_or_create(current)


def required_spend_by_employee(period: str) -> dict[int, int]:
    """{employee id: required amount} of the period's stored results (issue 15's scan)."""
    from .models import MonthlyCompliance

    return dict(
        MonthlyCompliance.objects.filter(period=period).values_list("employee_id", "required_spend")
    )
