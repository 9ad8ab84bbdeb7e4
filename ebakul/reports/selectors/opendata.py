"""Open data (docs/open-data.md, docs/adr/0410): the programme's impact per month, kecamatan and
category, for anybody, with small cells suppressed. Public: no user, no row scoping, and no
personal field ever leaves SQL (the queries select names of kecamatan and categories and counts,
nothing of an employee or a merchant).

One month costs seven queries: the cells, the kecamatan totals, the category totals, the grand
total (distinct counts do not add up, so each margin is its own GROUP BY, by ids only), the
names of the kecamatan and of the categories, and the period's status.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Min, Sum

from ebakul.compliance.models import Period, PeriodStatus
from ebakul.core.periods import current_period, next_period, validate_period
from ebakul.merchants.models import Kecamatan, MerchantCategory
from ebakul.purchases.models import Purchase

from ..suppression import TOTAL, Entry, suppress
from .common import verified_q

# What a month's figures are: final (locked), provisional (over, not locked yet), running.
FINAL = "final"
PROVISIONAL = "provisional"
RUNNING = "running"

# The machine formats' fields, in order (documented in docs/open-data.md).
FIELDS = (
    "period",
    "status",
    "level",
    "kecamatan",
    "kecamatan_code",
    "category",
    "category_code",
    "spend",
    "purchases",
    "merchants",
    "employees",
    "suppressed",
)
LEVELS = ("total", "kecamatan", "category", "cell")
FIGURES = ("spend", "purchases", "merchants", "employees")


@dataclass
class OpenMonth:
    period: str
    status: str
    total: dict
    by_kecamatan: list[dict]
    by_category: list[dict]
    cells: list[dict]
    rows: list[dict] = field(default_factory=list)  # every record, in FIELDS order


def month_status(period: str) -> str | None:
    """FINAL, PROVISIONAL, RUNNING, or None for a month not started (nothing is published)."""
    now = current_period()
    if period > now:
        return None
    if period == now:
        return RUNNING
    locked = Period.objects.filter(period=period, status=PeriodStatus.LOCKED).exists()
    return FINAL if locked else PROVISIONAL


def published_months() -> list[tuple[str, str]]:
    """[(period, status)] newest first: every month from the first verified purchase to the
    running one. Two queries."""
    first = Purchase.objects.filter(verified_q()).aggregate(first=Min("period"))["first"]
    now = current_period()
    if not first or first > now:
        return []
    locked = set(
        Period.objects.filter(status=PeriodStatus.LOCKED, period__gte=first).values_list(
            "period", flat=True
        )
    )
    months = [first]
    while months[-1] < now:
        months.append(next_period(months[-1]))
    out = []
    for p in reversed(months):
        status = RUNNING if p == now else (FINAL if p in locked else PROVISIONAL)
        out.append((p, status))
    return out


def _figures(qs):
    return qs.annotate(
        spend=Sum("amount"),
        purchases=Count("id"),
        employees=Count("employee_id", distinct=True),
        merchants=Count("merchant_id", distinct=True),
    )


def _entry(row, col, g) -> Entry:
    return Entry(
        row=row,
        col=col,
        spend=int(g["spend"] or 0),
        purchases=g["purchases"],
        employees=g["employees"],
        merchants=g["merchants"],
    )


KEC = "merchant__kecamatan_id"
CAT = "category_id"


def _names() -> tuple[dict, dict]:
    """{id: (name, code)} of every kecamatan and every category: two small reference tables,
    read apart so that the aggregates group by ids only (half the time of grouping by names)."""
    kecamatan = {
        k["id"]: (k["name"], k["code"]) for k in Kecamatan.objects.values("id", "name", "code")
    }
    categories = {
        c["id"]: (c["name"], c["code"])
        for c in MerchantCategory.objects.values("id", "name", "code")
    }
    kecamatan[TOTAL] = categories[TOTAL] = ("", "")
    return kecamatan, categories


def open_month(period: str, status: str | None = None) -> OpenMonth:
    """The published figures of ``period`` (suppression applied). ``status`` when the caller
    already knows it (saves a query)."""
    validate_period(period)
    if status is None:
        status = month_status(period)
    qs = Purchase.objects.filter(verified_q(), period=period).order_by()
    entries: dict = {}
    for g in _figures(qs.values(KEC, CAT)):
        entries[(g[KEC], g[CAT])] = _entry(g[KEC], g[CAT], g)
    for g in _figures(qs.values(KEC)):
        entries[(g[KEC], TOTAL)] = _entry(g[KEC], TOTAL, g)
    for g in _figures(qs.values(CAT)):
        entries[(TOTAL, g[CAT])] = _entry(TOTAL, g[CAT], g)
    grand = qs.aggregate(
        spend=Sum("amount"),
        purchases=Count("id"),
        employees=Count("employee_id", distinct=True),
        merchants=Count("merchant_id", distinct=True),
    )
    entries[(TOTAL, TOTAL)] = _entry(TOTAL, TOTAL, grand)
    names, cat_names = _names()
    suppress(entries)

    def record(e: Entry) -> dict:
        level = (
            "total"
            if e.row is TOTAL and e.col is TOTAL
            else "kecamatan"
            if e.col is TOTAL
            else "category"
            if e.row is TOTAL
            else "cell"
        )
        shown = not e.suppressed
        return {
            "period": period,
            "status": status,
            "level": level,
            "kecamatan": names[e.row][0],
            "kecamatan_code": names[e.row][1],
            "category": cat_names[e.col][0],
            "category_code": cat_names[e.col][1],
            **{f: (getattr(e, f) if shown else None) for f in FIGURES},
            "suppressed": not shown,
        }

    records = [record(e) for e in entries.values()]
    records.sort(key=lambda r: (LEVELS.index(r["level"]), r["kecamatan"], r["category"]))
    by_level: dict[str, list[dict]] = {level: [] for level in LEVELS}
    for r in records:
        by_level[r["level"]].append(r)
    return OpenMonth(
        period=period,
        status=status or "",
        total=by_level["total"][0],
        by_kecamatan=by_level["kecamatan"],
        by_category=by_level["category"],
        cells=by_level["cell"],
        rows=records,
    )
