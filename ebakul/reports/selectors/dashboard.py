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
    in_period = Q(period=period) & verified_q()
    head = purchases.filter(Q(period=period) | pending_q()).aggregate(
        verified_spend=Sum("amount", filter=in_period),
        verified_purchases=Count("id", filter=in_period),
        active_merchants=Count("merchant_id", filter=in_period, distinct=True),
        buyers=Count("employee_id", filter=in_period, distinct=True),
        waiting=Count("id", filter=pending_q()),
        waiting_spend=Sum("amount", filter=pending_q()),
    )
    verified = purchases.filter(verified_q(), period=period)
    per_day = {
        g["day"]: as_int(g["spend"])
        for g in verified.annotate(day=wib_day("purchased_at"))
        .values("day")
        .annotate(spend=Sum("amount"))
        .order_by("day")
    }
    first = period_first_day(period)
    daily = []
    for offset in range(period_days(period)):
        day = first.fromordinal(first.toordinal() + offset)
        daily.append((day, per_day.get(day, 0)))
    by_category = [
        (g["category__name"], as_int(g["spend"]))
        for g in verified.values("category__name")
        .annotate(spend=Sum("amount"))
        .order_by("-spend", "category__name")
    ]

    comp = scoped_compliance(user)
    comp_period = (
        comp.filter(period__lte=period).order_by("-period").values_list("period", flat=True)[:1]
    )
    comp_period = comp_period[0] if comp_period else None
    compliance = None
    if comp_period:
        agg = comp.filter(period=comp_period).aggregate(
            employees=Count("id"),
            compliant=Count("id", filter=COMPLIANT),
            below_target=Count("id", filter=SHORTFALL),
            exempt=Count("id", filter=EXEMPT),
            shortfall=Sum("shortfall"),
            deductions=Sum("deduction_amount"),
        )
        compliance = {
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
        "daily": daily,
        "by_category": by_category,
        "compliance": compliance,
    }
