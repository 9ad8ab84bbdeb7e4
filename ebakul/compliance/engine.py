"""Set-based evaluation of a period: a fixed number of queries whatever the number of employees.

``evaluate`` returns one ``Result`` per employee in scope; ``services.compute_period`` writes
them. Nothing here writes. The algorithm (ADR 0030, 0031, 0036):

1. Rule: the ``SpendingRule`` in force on the last day, with its fixed amounts per class.
2. Classes as of the period end (default ceiling, fixed minimum): a small table, resolved in
   Python from its history.
3. Employees as of the period end: the latest ``HistoricalEmployee`` row before the end per
   employee (one window-function query), plus employees that have no history at all (one
   ``NOT EXISTS`` query).
4. Approved exemptions overlapping the month (one query).
5. Spend: ONE pass over the period's purchases (``_spend_sql``), grouped by employee, with two
   conditional sums: verified spend (a state the purchase workflow marks ``counts_as_verified``,
   recorded before the submission close, merchant verified at the purchase time) and pending
   spend (a state marked ``counts_as_pending``). Both state sets are uncorrelated subqueries on
   the workflow's states (ADR 0125), so reading the definition costs no query. The merchant
   check is not a per-purchase ``EXISTS`` any more: a small derived table classifies the
   merchants whose verification spans touch the month as *whole* (one span covers the whole
   month) or *partial*; a purchase inside the month at a *whole* merchant counts, at a merchant
   with no span in the month it does not, and only the rest (partial merchants, or a purchase
   whose time lies outside its period) falls back to the ``EXISTS`` over the spans.
6. The arithmetic, in Python over those rows (pure functions in ``calculation.py``): active
   days, exempt days, required amount (memoised, it depends only on ceiling, fixed amount and
   counted days), shortfall, status and deduction.

Datetimes passed to raw SQL go through ``connection.ops.adapt_datetimefield_value`` (UTC, as
the ORM stores them), so the SQL is the same on MariaDB and SQLite.
"""

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.db import connection
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import DomainError
from ebakul.core.periods import period_bounds, period_days, period_first_day, period_last_day
from ebakul.employees.models import Employee, EmployeeClass
from ebakul.merchants.models import MerchantVerificationSpan
from ebakul.purchases.models import Purchase
from ebakul.workflow.selectors import PURCHASE, state_codes_sql

from . import calculation as calc
from .models import ComplianceStatus, Exemption, ExemptionStatus, Period, SpendingRule

MSG_NO_RULE = _("No spending rule is in force for this period. Add one in the desk first.")

COMPLIANT = ComplianceStatus.COMPLIANT.value
SHORTFALL = ComplianceStatus.SHORTFALL.value
EXEMPT = ComplianceStatus.EXEMPT.value


class Result(NamedTuple):
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


def _db_datetime(value: dt.datetime):
    """An aware datetime as the database stores it (raw SQL gets no ORM conversion)."""
    return connection.ops.adapt_datetimefield_value(value)


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
    as_of: dict[int, tuple[int, int | None]] = {}
    for h in historical.values_list("id", "default_tpp_ceiling", "fixed_min_spend", "history_type"):
        if h[3] == "-":
            as_of.pop(h[0], None)
        else:
            as_of[h[0]] = (h[1], h[2])
    return {**current, **as_of}


def _employees_as_of(end: dt.datetime, employee_ids) -> dict[int, tuple]:
    """employee id → (class id, tpp_ceiling, active_from, active_to, active) as of ``end``.

    The latest history row before ``end`` per employee (ties broken by the later history id,
    as ``history.as_of`` does), in one window-function query; plus one query for employees
    that have no history at all (rows loaded in bulk without it), which use their current
    values when they existed before ``end``. Employees deleted as of ``end`` are left out.
    """
    hist = Employee.history.model._meta.db_table
    emp = Employee._meta.db_table
    end = _db_datetime(end)
    where_ids, ids = _id_filter("h.id", employee_ids)
    latest = (
        "SELECT id, employee_class_id, tpp_ceiling, active_from, active_to, active, history_type"  # noqa: S608 - table names from _meta, values bound
        " FROM (SELECT h.id, h.employee_class_id, h.tpp_ceiling, h.active_from, h.active_to,"
        " h.active, h.history_type, ROW_NUMBER() OVER (PARTITION BY h.id"
        " ORDER BY h.history_date DESC, h.history_id DESC) AS rn"
        f" FROM {hist} h WHERE h.history_date < %s{where_ids}) latest WHERE rn = 1"
    )
    rows = {}
    with connection.cursor() as cur:
        cur.execute(latest, [end, *ids])
        for r in cur.fetchall():
            if r[6] != "-":
                rows[r[0]] = r[1:6]
        where_ids, ids = _id_filter("e.id", employee_ids)
        cur.execute(
            f"SELECT e.id, e.employee_class_id, e.tpp_ceiling, e.active_from, e.active_to,"  # noqa: S608
            f" e.active FROM {emp} e WHERE e.created_at < %s{where_ids}"
            f" AND NOT EXISTS (SELECT 1 FROM {hist} h WHERE h.id = e.id)",
            [end, *ids],
        )
        for r in cur.fetchall():
            rows[r[0]] = r[1:6]
    return rows


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


def _spend_sql(employee_ids) -> tuple[str, tuple[list, list, list]]:
    """The one pass over the period's purchases (step 5 of the module docstring): per employee,
    verified spend that counts and pending spend. Returns the SQL and the parameters of the
    verified set, the pending set and the employee filter; the order: see ``spend``."""
    pur = Purchase._meta.db_table
    span = MerchantVerificationSpan._meta.db_table
    where_ids, ids = _id_filter("p.employee_id", employee_ids)
    # which states count is the workflow's (ADR 0125): two uncorrelated subqueries, evaluated
    # once by MariaDB, so the close stays one query
    verified, verified_params = state_codes_sql(PURCHASE, "counts_as_verified")
    pending, pending_params = state_codes_sql(PURCHASE, "counts_as_pending")
    sql = (
        "SELECT p.employee_id,"  # noqa: S608 - table names from _meta, values bound
        " SUM(CASE"
        f"  WHEN p.status NOT IN ({verified}) OR p.created_at >= %s THEN 0"  # before close
        "  WHEN p.purchased_at >= %s AND p.purchased_at < %s AND v.whole = 1 THEN p.amount"
        "  WHEN p.purchased_at >= %s AND p.purchased_at < %s AND v.merchant_id IS NULL THEN 0"
        f"  WHEN EXISTS (SELECT 1 FROM {span} s WHERE s.merchant_id = p.merchant_id"
        "   AND s.verified_from <= p.purchased_at"
        "   AND (s.verified_until IS NULL OR s.verified_until > p.purchased_at)) THEN p.amount"
        "  ELSE 0 END),"
        f" SUM(CASE WHEN p.status IN ({pending}) THEN p.amount ELSE 0 END)"
        f" FROM {pur} p LEFT JOIN ("
        # merchants with a span touching [start, end); whole = 1 when one span covers it all
        "  SELECT merchant_id, MAX(CASE WHEN verified_from <= %s"
        "   AND (verified_until IS NULL OR verified_until >= %s) THEN 1 ELSE 0 END) AS whole"
        f"  FROM {span} WHERE verified_from < %s"
        "   AND (verified_until IS NULL OR verified_until > %s) GROUP BY merchant_id"
        " ) v ON v.merchant_id = p.merchant_id"
        # no status filter here: with it MariaDB reads the rows through the (period, status)
        # index and sorts; without it the rows come in one scan (ADR 0036)
        f" WHERE p.period = %s{where_ids}"
        " GROUP BY p.employee_id ORDER BY NULL"
    )
    return sql, (verified_params, pending_params, ids)


def spend(period: Period, employee_ids=None) -> dict[int, tuple[int, int]]:
    """employee id → (verified spend that counts, pending spend) for ``period`` (ADR 0031)."""
    start, end = (_db_datetime(d) for d in period_bounds(period.period))
    close = _db_datetime(period.submission_close)
    sql, (verified, pending, ids) = _spend_sql(employee_ids)
    params = [
        *verified,
        close,
        start,
        end,
        start,
        end,
        *pending,
        start,
        end,
        end,
        start,
        period.period,
        *ids,
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        # SUM over integers is a DECIMAL on MariaDB
        return {e: (int(v or 0), int(p or 0)) for e, v, p in cur.fetchall()}


def evaluate(
    *, period: Period, rule: SpendingRule | None, employee_ids=None, class_fixed=None
) -> list[Result]:
    """One ``Result`` per employee in scope of ``period`` (or of ``employee_ids``), in employee
    id order. ``class_fixed`` ({class id: fixed minimum}) replaces the rule's stored fixed
    amounts, for a rule not saved yet (the impact preview of a new version)."""
    if rule is None:
        raise DomainError(MSG_NO_RULE, code="no_rule")
    params = rule_params(rule)
    _start, end = period_bounds(period.period)
    first, last = period_first_day(period.period), period_last_day(period.period)
    days = period_days(period.period)

    if class_fixed is None:
        class_fixed = dict(rule.class_amounts.values_list("employee_class_id", "fixed_amount"))
    classes = _classes_as_of(end)
    employees = _employees_as_of(end, employee_ids)
    exemptions = _exemptions(period.period, employee_ids)
    spent = spend(period, employee_ids)

    required_memo: dict[
        tuple, int
    ] = {}  # (ceiling, fixed, counted days) → required: few distinct values
    results = []
    for emp_id in sorted(employees):
        class_id, ceiling, active_from, active_to, active = employees[emp_id]
        if not active and active_to is None:
            continue  # left the programme without a date: not in scope
        span: tuple[dt.date, dt.date] | None = (first, last)
        if active_from is not None or active_to is not None:
            span = calc.active_span(first, last, active_from, active_to)
        if span is None:
            continue
        default_ceiling, class_fixed_min = classes.get(class_id, (0, None))
        if ceiling is None:
            ceiling = default_ceiling
        counted = (span[1] - span[0]).days + 1
        if emp_id in exemptions:
            counted -= calc.exempt_days(span, exemptions[emp_id])
        verified, pending = spent.get(emp_id, (0, 0))
        if counted <= 0:
            results.append(
                Result(emp_id, class_id, ceiling, 0, days, 0, verified, pending, 0, EXEMPT, 0)
            )
            continue
        fixed = class_fixed.get(class_id, class_fixed_min)
        key = (ceiling, fixed, counted)
        required = required_memo.get(key)
        if required is None:
            required = required_memo[key] = calc.required_amount(
                params=params,
                tpp_ceiling=ceiling,
                fixed_amount=fixed,
                counted_days=counted,
                period_days=days,
            )
        shortfall = required - verified if required > verified else 0
        deduction = (
            calc.deduction_amount(
                params=params, tpp_ceiling=ceiling, required=required, verified=verified
            )
            if shortfall
            else 0
        )
        results.append(
            Result(
                emp_id,
                class_id,
                ceiling,
                counted,
                days,
                required,
                verified,
                pending,
                shortfall,
                SHORTFALL if shortfall else COMPLIANT,
                deduction,
            )
        )
    return results
