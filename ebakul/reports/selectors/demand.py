"""Demand insights, "Potensi usaha baru" (docs/adr/0411): where civil servants spend, against the
verified merchants that serve that category in that kecamatan, where the money leaves the
kecamatan the buyers work in, and which categories grow fastest.

The desk report (administrators and verifiers) sees exact figures; the public summary is built
only from the suppressed open-data tables (``opendata.open_month``) and the public merchant
register counts, so it cannot show more than the open data does."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from ebakul.core.periods import current_period, previous_period, validate_period
from ebakul.merchants.selectors import merchants_selectable
from ebakul.purchases.models import Purchase

from ..access import assert_can_read_demand_insights
from .common import as_int, percent, verified_q
from .opendata import month_status, open_month

# A cell stands out when its spend per verified merchant is at least this many times the
# regency's, or when it has spend and no verified merchant of that category in the kecamatan.
HIGH_FACTOR = 2
GROWTH_LIMIT = 10
FLOW_LIMIT = 20
PUBLIC_CELL_LIMIT = 10


@dataclass
class DemandInsights:
    period: str
    previous: str
    running: bool
    total_spend: int
    total_purchases: int
    verified_merchants: int
    spend_per_merchant: int | None
    cells: list[dict] = field(default_factory=list)
    flows: list[dict] = field(default_factory=list)
    outflow: list[dict] = field(default_factory=list)
    growth: list[dict] = field(default_factory=list)
    unknown_origin_spend: int = 0


def _supply() -> dict[tuple, dict]:
    """{(category_id, kecamatan_id): {...names, merchants}} of merchants verified now."""
    rows = (
        merchants_selectable()
        .order_by()
        .values("category_id", "category__name", "kecamatan_id", "kecamatan__name")
        .annotate(merchants=Count("id"))
    )
    return {(r["category_id"], r["kecamatan_id"]): r for r in rows}


def _growth(period: str, prev: str) -> list[dict]:
    """Verified spend per category in ``period`` against ``prev``, fastest growing first. One
    query."""
    now, before = Q(period=period), Q(period=prev)
    groups = (
        Purchase.objects.filter(verified_q(), period__in=(period, prev))
        .order_by()
        .values("category_id", "category__name")
        .annotate(spend=Sum("amount", filter=now), prev_spend=Sum("amount", filter=before))
    )
    rows = []
    for g in groups:
        spend, prev_spend = as_int(g["spend"]), as_int(g["prev_spend"])
        rows.append(
            {
                "category": g["category__name"],
                "spend": spend,
                "prev_spend": prev_spend,
                "change": spend - prev_spend,
                "change_pct": percent(spend - prev_spend, prev_spend),
                "is_new": prev_spend == 0 and spend > 0,
            }
        )
    return _rank_growth(rows)


def _rank_growth(rows: list[dict]) -> list[dict]:
    # New categories first (no base to compare), then by growth rate, then by the change.
    rows.sort(
        key=lambda r: (
            not r["is_new"],
            -(r["change_pct"] if r["change_pct"] is not None else 0),
            -r["change"],
            r["category"],
        )
    )
    return rows[:GROWTH_LIMIT]


def _flows(qs) -> tuple[list[dict], list[dict], int]:
    """Spend of employees whose work unit is in kecamatan X at merchants in kecamatan Y != X,
    and per X the share of its employees' spend that leaves X. One query."""
    groups = qs.values(
        "employee__work_unit__kecamatan_id",
        "employee__work_unit__kecamatan__name",
        "merchant__kecamatan_id",
        "merchant__kecamatan__name",
    ).annotate(spend=Sum("amount"), purchases=Count("id"))
    flows, per_origin, unknown = [], {}, 0
    for g in groups:
        spend = as_int(g["spend"])
        origin = g["employee__work_unit__kecamatan_id"]
        if origin is None:
            unknown += spend
            continue
        name = g["employee__work_unit__kecamatan__name"]
        o = per_origin.setdefault(name, {"origin": name, "spend": 0, "outside": 0})
        o["spend"] += spend
        if origin != g["merchant__kecamatan_id"]:
            o["outside"] += spend
            flows.append(
                {
                    "origin": name,
                    "destination": g["merchant__kecamatan__name"],
                    "spend": spend,
                    "purchases": g["purchases"],
                }
            )
    flows.sort(key=lambda f: (-f["spend"], f["origin"], f["destination"]))
    outflow = sorted(per_origin.values(), key=lambda o: (-o["outside"], o["origin"]))
    for o in outflow:
        o["outside_pct"] = percent(o["outside"], o["spend"])
    return flows[:FLOW_LIMIT], outflow, unknown


def demand_insights(*, user, period: str) -> DemandInsights:
    """The desk report. Four aggregate queries (cells, merchant supply, flows, growth)."""
    assert_can_read_demand_insights(user)
    validate_period(period)
    prev = previous_period(period)
    qs = Purchase.objects.filter(verified_q(), period=period).order_by()
    supply = _supply()
    cells: dict[tuple, dict] = {}
    for g in qs.values(
        "category_id", "category__name", "merchant__kecamatan_id", "merchant__kecamatan__name"
    ).annotate(
        spend=Sum("amount"), purchases=Count("id"), buyers=Count("employee_id", distinct=True)
    ):
        key = (g["category_id"], g["merchant__kecamatan_id"])
        cells[key] = {
            "category": g["category__name"],
            "kecamatan": g["merchant__kecamatan__name"],
            "spend": as_int(g["spend"]),
            "purchases": g["purchases"],
            "buyers": g["buyers"],
            "merchants": supply.get(key, {}).get("merchants", 0),
        }
    for key, s in supply.items():
        if key not in cells:
            cells[key] = {
                "category": s["category__name"],
                "kecamatan": s["kecamatan__name"],
                "spend": 0,
                "purchases": 0,
                "buyers": 0,
                "merchants": s["merchants"],
            }
    total_spend = sum(c["spend"] for c in cells.values())
    merchants = sum(s["merchants"] for s in supply.values())
    overall = total_spend // merchants if merchants else None
    for c in cells.values():
        c["spend_per_merchant"] = c["spend"] // c["merchants"] if c["merchants"] else None
        c["unserved"] = c["spend"] > 0 and not c["merchants"]
        c["high"] = c["unserved"] or (
            overall is not None
            and c["spend_per_merchant"] is not None
            and c["spend"] > 0
            and c["spend_per_merchant"] >= HIGH_FACTOR * max(overall, 1)
        )
    rows = sorted(
        cells.values(),
        key=lambda c: (
            not c["high"],
            -(c["spend_per_merchant"] if c["spend_per_merchant"] is not None else c["spend"]),
            c["category"],
            c["kecamatan"],
        ),
    )
    flows, outflow, unknown = _flows(qs)
    return DemandInsights(
        period=period,
        previous=prev,
        running=period == current_period(),
        total_spend=total_spend,
        total_purchases=sum(c["purchases"] for c in cells.values()),
        verified_merchants=merchants,
        spend_per_merchant=overall,
        cells=rows,
        flows=flows,
        outflow=outflow,
        growth=_growth(period, prev),
        unknown_origin_spend=unknown,
    )


@dataclass
class PublicDemand:
    period: str
    previous: str
    status: str
    cells: list[dict]
    growth: list[dict]


def public_demand(period: str, status: str | None = None) -> PublicDemand:
    """The public summary: the open-data cells of ``period`` that are shown, with the verified
    merchants of that category in that kecamatan, highest spend per merchant first; and the
    categories whose shown totals grew most against the previous month (both months shown).
    Fifteen queries (the status, two open-data months, the supply); fourteen when the caller
    passes ``status``."""
    validate_period(period)
    prev = previous_period(period)
    status = status or month_status(period) or ""
    now_month = open_month(period, status=status)
    prev_month = open_month(prev)
    supply = _supply()
    by_names = {
        (s["category__name"], s["kecamatan__name"]): s["merchants"] for s in supply.values()
    }
    cells = []
    for c in now_month.cells:
        if c["suppressed"]:
            continue
        n = by_names.get((c["category"], c["kecamatan"]), 0)
        cells.append(
            {
                "category": c["category"],
                "kecamatan": c["kecamatan"],
                "spend": c["spend"],
                "purchases": c["purchases"],
                "merchants": n,
                "spend_per_merchant": c["spend"] // n if n else None,
            }
        )
    cells.sort(
        key=lambda c: (
            c["spend_per_merchant"] is not None,
            -(c["spend_per_merchant"] or c["spend"]),
            c["category"],
            c["kecamatan"],
        )
    )
    before = {c["category"]: c for c in prev_month.by_category if not c["suppressed"]}
    growth = []
    for c in now_month.by_category:
        b = before.get(c["category"])
        if c["suppressed"] or b is None or not b["spend"]:
            continue
        change = c["spend"] - b["spend"]
        growth.append(
            {
                "category": c["category"],
                "spend": c["spend"],
                "prev_spend": b["spend"],
                "change": change,
                "change_pct": percent(change, b["spend"]),
                "is_new": False,
            }
        )
    return PublicDemand(
        period=period,
        previous=prev,
        status=status,
        cells=cells[:PUBLIC_CELL_LIMIT],
        growth=_rank_growth(growth),
    )
