"""Figures of the desk dashboard for one period (by default the current one)."""

from django.db.models import Count, Q, Sum

from ebakul.core.periods import current_period, period_days, period_first_day, validate_period
from ebakul.merchants.selectors import merchants_visible_to
from ebakul.workflow.selectors import MERCHANT, state_codes

from .common import as_int, pending_q, scoped_purchases, verified_q, wib_day
from .compliance import COMPLIANT, EXEMPT, SHORTFALL, compliance_rate, scoped_compliance


def dashboard_figures(*, user, period: str | None = None) -> dict:
    """Seven queries whatever the data size:

    - verified spend, verified purchases and active merchants (merchants with at least one
      verified sale) of the period, and purchases waiting for verification (any period: the
      queue does not reset at month end);
    - verified spend per WIB day and per category;
    - compliance of the latest computed period up to ``period`` (the current month is usually
      computed only after it closes, so the dashboard says which period it shows);
    - the number of verified merchants.
    """
    period = period or current_period()
    validate_period(period)
    purchases = scoped_purchases(user)
    head = _head(purchases, period)
    verified = purchases.filter(verified_q(), period=period)
    verified_merchants = (
        merchants_visible_to(user)
        .filter(status__in=state_codes(MERCHANT, "counts_as_verified"))
        .order_by()
        .count()
    )
    return {
        "period": period,
        "verified_spend": as_int(head["verified_spend"]),
        "verified_purchases": head["verified_purchases"],
        "active_merchants": head["active_merchants"],
        "buyers": head["buyers"],
        "waiting": head["waiting"],
        "waiting_spend": as_int(head["waiting_spend"]),
        "verified_merchants": verified_merchants,
        "daily": _daily(verified, period),
        "by_category": _by_category(verified),
        "compliance": _latest_compliance(user, period),
    }


def _head(purchases, period: str) -> dict:
    """The period's verified figures and the waiting queue (any period), in one query."""
    in_period = Q(period=period) & verified_q()
    return purchases.filter(Q(period=period) | pending_q()).aggregate(
        verified_spend=Sum("amount", filter=in_period),
        verified_purchases=Count("id", filter=in_period),
        active_merchants=Count("merchant_id", filter=in_period, distinct=True),
        buyers=Count("employee_id", filter=in_period, distinct=True),
        waiting=Count("id", filter=pending_q()),
        waiting_spend=Sum("amount", filter=pending_q()),
    )


def _daily(verified, period: str) -> list:
    """(day, verified spend) for every WIB day of the period, zero included."""
    per_day = {
        g["day"]: as_int(g["spend"])
        for g in verified.annotate(day=wib_day("purchased_at"))
        .values("day")
        .annotate(spend=Sum("amount"))
        .order_by("day")
    }
    first = period_first_day(period)
    days = (first.fromordinal(first.toordinal() + i) for i in range(period_days(period)))
    return [(day, per_day.get(day, 0)) for day in days]


def _by_category(verified) -> list:
    return [
        (g["category__name"], as_int(g["spend"]))
        for g in verified.values("category__name")
        .annotate(spend=Sum("amount"))
        .order_by("-spend", "category__name")
    ]


def _latest_compliance(user, period: str) -> dict | None:
    """Compliance of the latest computed period up to ``period`` (None when there is none)."""
    comp = scoped_compliance(user)
    latest = (
        comp.filter(period__lte=period).order_by("-period").values_list("period", flat=True)[:1]
    )
    comp_period = latest[0] if latest else None
    if not comp_period:
        return None
    agg = comp.filter(period=comp_period).aggregate(
        employees=Count("id"),
        compliant=Count("id", filter=COMPLIANT),
        below_target=Count("id", filter=SHORTFALL),
        exempt=Count("id", filter=EXEMPT),
        shortfall=Sum("shortfall"),
        deductions=Sum("deduction_amount"),
    )
    return {
        "period": comp_period,
        "is_current": comp_period == period,
        "employees": agg["employees"],
        "compliant": agg["compliant"],
        "below_target": agg["below_target"],
        "exempt": agg["exempt"],
        "shortfall": as_int(agg["shortfall"]),
        "deductions": as_int(agg["deductions"]),
        "rate": compliance_rate(agg["compliant"], agg["employees"], agg["exempt"]),
    }
