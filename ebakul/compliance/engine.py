"""Set-based evaluation of a period: a fixed number of queries whatever the number of employees.

``evaluate`` reads (rule, classes and employees as of the period's last day, exemptions, one
aggregate over purchases) and returns one ``Result`` per employee in scope; ``services`` writes
them in bulk. Nothing here writes. See ADR 0030 (rule and state as of the last day) and 0031
(what counts, pro-rating, sanctions).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import DomainError
from ebakul.core.periods import period_bounds, period_days, period_first_day, period_last_day
from ebakul.employees.models import Employee, EmployeeClass
from ebakul.merchants.selectors import verified_at_q
from ebakul.purchases.models import PENDING_STATUSES, Purchase, PurchaseStatus

from . import calculation as calc
from .models import ComplianceStatus, Exemption, ExemptionStatus, Period, SpendingRule

MSG_NO_RULE = _("No spending rule is in force for this period. Add one in the desk first.")


@dataclass
class Result:
    employee_id: int
    employee_class_id: int | None
    tpp_ceiling: int
    active_days: int
    period_days: int
    required_spend: int
    verified_spend: int
    pending_spend: int
    shortfall: int
    status: str
    deduction_amount: int


def rule_for_period(period: str) -> SpendingRule | None:
    return (
        SpendingRule.objects.filter(effective_from__lte=period_last_day(period))
        .order_by("-effective_from")
        .first()
    )


def rule_params(rule: SpendingRule) -> calc.RuleParams:
    return calc.RuleParams(
        rate_bp=rule.rate_bp,
        floor_amount=rule.floor_amount,
        rounding_mode=rule.rounding_mode,
        rounding_unit=rule.rounding_unit,
        sanction_mode=rule.sanction_mode,
        proportional_cap_bp=rule.proportional_cap_bp,
    )


def _id_filter(column: str, employee_ids) -> tuple[str, list]:
    if employee_ids is None:
        return "", []
    ids = [int(i) for i in employee_ids] or [0]
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


def _classes_as_of(end: dt.datetime) -> dict[int, tuple[int, int | None]]:
    """class id → (default ceiling, fixed minimum) as of ``end`` (the table is small)."""
    current = {
        c.id: (c.default_tpp_ceiling, c.fixed_min_spend)
        for c in EmployeeClass.objects.only("id", "default_tpp_ceiling", "fixed_min_spend")
    }
    historical = EmployeeClass.history.model.objects.filter(history_date__lt=end).order_by(
        "history_date", "history_id"
    )
    as_of = {}
    for h in historical.values_list("id", "default_tpp_ceiling", "fixed_min_spend", "history_type"):
        if h[3] == "-":
            as_of.pop(h[0], None)
        else:
            as_of[h[0]] = (h[1], h[2])
    return {**current, **as_of}


def _employees_as_of(end: dt.datetime, employee_ids) -> dict[int, tuple]:
    """employee id → (class id, tpp_ceiling, active_from, active_to, active) as of ``end``.

    One set-based query over the history table (latest record before ``end`` per employee), plus
    one for employees that have no history at all (rows loaded in bulk without it), which use
    their current values when they existed before ``end``.
    """
    hist = Employee.history.model._meta.db_table
    emp = Employee._meta.db_table
    where_ids, ids = _id_filter("id", employee_ids)
    sql = (
        f"SELECT h.id, h.employee_class_id, h.tpp_ceiling, h.active_from, h.active_to, h.active,"  # noqa: S608 - table names from _meta, values bound
        f" h.history_type FROM {hist} h JOIN (SELECT id, MAX(history_date) AS d FROM {hist}"
        f" WHERE history_date < %s{where_ids} GROUP BY id) m"
        f" ON h.id = m.id AND h.history_date = m.d"
    )
    rows = {}
    with connection.cursor() as cur:
        cur.execute(sql, [end, *ids])
        for r in cur.fetchall():
            if r[6] != "-":
                rows[r[0]] = r[1:6]
            else:
                rows[r[0]] = None
        where_ids, ids = _id_filter("e.id", employee_ids)
        cur.execute(
            f"SELECT e.id, e.employee_class_id, e.tpp_ceiling, e.active_from, e.active_to,"  # noqa: S608
            f" e.active FROM {emp} e WHERE e.created_at < %s{where_ids}"
            f" AND NOT EXISTS (SELECT 1 FROM {hist} h WHERE h.id = e.id)",
            [end, *ids],
        )
        for r in cur.fetchall():
            rows[r[0]] = r[1:6]
    return {k: v for k, v in rows.items() if v is not None}


def _exemptions(period: str, employee_ids) -> dict[int, list[tuple[dt.date, dt.date]]]:
    qs = Exemption.objects.filter(
        status=ExemptionStatus.APPROVED,
        start_date__lte=period_last_day(period),
        end_date__gte=period_first_day(period),
    )
    if employee_ids is not None:
        qs = qs.filter(employee_id__in=employee_ids)
    out = defaultdict(list)
    for emp_id, start, end in qs.values_list("employee_id", "start_date", "end_date"):
        out[emp_id].append((start, end))
    return out


def spend_query(period: Period, employee_ids=None):
    """Verified and pending spend per employee: one aggregate (ADR 0031)."""
    counted = Q(status=PurchaseStatus.VERIFIED, created_at__lt=period.submission_close) & Q(
        verified_at_q("merchant_id", "purchased_at")
    )
    qs = Purchase.objects.filter(
        period=period.period, status__in=[PurchaseStatus.VERIFIED, *PENDING_STATUSES]
    )
    if employee_ids is not None:
        qs = qs.filter(employee_id__in=employee_ids)
    return (
        qs.order_by()
        .values("employee_id")
        .annotate(
            verified=Sum("amount", filter=counted),
            pending=Sum("amount", filter=Q(status__in=PENDING_STATUSES)),
        )
        .values_list("employee_id", "verified", "pending")
    )


def evaluate(*, period: Period, rule: SpendingRule | None, employee_ids=None) -> list[Result]:
    if rule is None:
        raise DomainError(MSG_NO_RULE, code="no_rule")
    params = rule_params(rule)
    _start, end = period_bounds(period.period)
    first, last = period_first_day(period.period), period_last_day(period.period)
    days = period_days(period.period)

    class_fixed = dict(rule.class_amounts.values_list("employee_class_id", "fixed_amount"))
    classes = _classes_as_of(end)
    employees = _employees_as_of(end, employee_ids)
    exemptions = _exemptions(period.period, employee_ids)
    spend = {e: (v or 0, p or 0) for e, v, p in spend_query(period, employee_ids)}

    results = []
    for emp_id, (class_id, ceiling, active_from, active_to, active) in employees.items():
        if not active and active_to is None:
            continue  # left the programme without a date: not in scope
        span = calc.active_span(first, last, active_from, active_to)
        if span is None:
            continue
        default_ceiling, class_fixed_min = classes.get(class_id, (0, None))
        ceiling = ceiling if ceiling is not None else default_ceiling
        counted = (span[1] - span[0]).days + 1
        if emp_id in exemptions:
            counted -= calc.exempt_days(span, exemptions[emp_id])
        verified, pending = spend.get(emp_id, (0, 0))
        fixed = class_fixed.get(class_id, class_fixed_min)
        if counted <= 0:
            required, shortfall, status, deduction = 0, 0, ComplianceStatus.EXEMPT, 0
        else:
            required = calc.required_amount(
                params=params,
                tpp_ceiling=ceiling,
                fixed_amount=fixed,
                counted_days=counted,
                period_days=days,
            )
            shortfall = max(required - verified, 0)
            status = ComplianceStatus.SHORTFALL if shortfall else ComplianceStatus.COMPLIANT
            deduction = calc.deduction_amount(
                params=params, tpp_ceiling=ceiling, required=required, verified=verified
            )
        results.append(
            Result(
                employee_id=emp_id,
                employee_class_id=class_id,
                tpp_ceiling=ceiling,
                active_days=max(counted, 0),
                period_days=days,
                required_spend=required,
                verified_spend=verified,
                pending_spend=pending,
                shortfall=shortfall,
                status=str(status),
                deduction_amount=deduction,
            )
        )
    return results
