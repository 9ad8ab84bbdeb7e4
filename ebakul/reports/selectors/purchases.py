"""Purchase-based reports: the consumption map, merchants, the monthly spend trend."""

from django.db.models import Count, Min, Q, Sum

from ebakul.core.periods import next_period, previous_period, validate_period

from .common import (
    ReportData,
    as_int,
    filter_purchases,
    pending_q,
    percent,
    scoped_purchases,
    status_set_q,
    verified_q,
)

MAX_TREND_MONTHS = 36


def period_range(period_from: str, period_to: str) -> list[str]:
    """Every period from ``period_from`` to ``period_to`` inclusive (at most 36)."""
    validate_period(period_from)
    validate_period(period_to)
    if period_from > period_to:
        period_from, period_to = period_to, period_from
    periods = [period_from]
    while periods[-1] < period_to and len(periods) < MAX_TREND_MONTHS:
        periods.append(next_period(periods[-1]))
    return periods


def consumption_map(
    *, user, period: str, category=None, kecamatan=None, unit=None, status: str = "verified"
) -> ReportData:
    """Spend and number of purchases by purchase category × merchant kecamatan in ``period``,
    with the change against the previous month. One aggregate query."""
    validate_period(period)
    prev = previous_period(period)
    qs = scoped_purchases(user).filter(status_set_q(status), period__in=(period, prev))
    qs = filter_purchases(qs, unit=unit, category=category, kecamatan=kecamatan)
    now, before = Q(period=period), Q(period=prev)
    groups = (
        qs.values(
            "category_id",
            "category__name",
            "merchant__kecamatan_id",
            "merchant__kecamatan__name",
        )
        .annotate(
            purchases=Count("id", filter=now),
            spend=Sum("amount", filter=now),
            prev_purchases=Count("id", filter=before),
            prev_spend=Sum("amount", filter=before),
            buyers=Count("employee_id", filter=now, distinct=True),
        )
        .order_by("category__name", "merchant__kecamatan__name")
    )
    rows = []
    for g in groups:
        spend, prev_spend = as_int(g["spend"]), as_int(g["prev_spend"])
        rows.append(
            {
                "category_id": g["category_id"],
                "category": g["category__name"],
                "kecamatan_id": g["merchant__kecamatan_id"],
                "kecamatan": g["merchant__kecamatan__name"],
                "purchases": g["purchases"],
                "buyers": g["buyers"],
                "spend": spend,
                "prev_purchases": g["prev_purchases"],
                "prev_spend": prev_spend,
                "change": spend - prev_spend,
                "change_pct": percent(spend - prev_spend, prev_spend),
            }
        )
    rows.sort(key=lambda r: (-r["spend"], -r["prev_spend"], r["category"], r["kecamatan"]))
    total_spend = sum(r["spend"] for r in rows)
    total_prev = sum(r["prev_spend"] for r in rows)
    for r in rows:
        r["share_pct"] = percent(r["spend"], total_spend)
    totals = {
        "purchases": sum(r["purchases"] for r in rows),
        "spend": total_spend,
        "prev_purchases": sum(r["prev_purchases"] for r in rows),
        "prev_spend": total_prev,
        "change": total_spend - total_prev,
        "change_pct": percent(total_spend - total_prev, total_prev),
        "share_pct": 100.0 if total_spend else None,
    }
    by_kecamatan: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for r in rows:
        by_kecamatan[r["kecamatan"]] = by_kecamatan.get(r["kecamatan"], 0) + r["spend"]
        by_category[r["category"]] = by_category.get(r["category"], 0) + r["spend"]
    summary = {
        "period": period,
        "previous_period": prev,
        "by_kecamatan": sorted(by_kecamatan.items(), key=lambda kv: (-kv[1], kv[0])),
        "by_category": sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0])),
        "map": _map_points(qs.filter(period=period)),
    }
    return ReportData(rows=rows, totals=totals, summary=summary)


MAP_MERCHANT_LIMIT = 1000


def _map_points(qs) -> dict:
    """The map of the consumption report (ADR 0152): the merchants with coordinates and their
    spend, and one point per kecamatan at the mean of its merchants' coordinates, sized by the
    kecamatan's spend. One aggregate query."""
    groups = (
        qs.filter(merchant__latitude__isnull=False, merchant__longitude__isnull=False)
        .values(
            "merchant_id",
            "merchant__business_name",
            "merchant__kecamatan__name",
            "merchant__latitude",
            "merchant__longitude",
        )
        .annotate(spend=Sum("amount"), purchases=Count("id"))
        .order_by("-spend", "merchant_id")[:MAP_MERCHANT_LIMIT]
    )
    merchants, kec = [], {}
    for g in groups:
        lat, lng = float(g["merchant__latitude"]), float(g["merchant__longitude"])
        spend = as_int(g["spend"])
        merchants.append(
            {
                "name": g["merchant__business_name"],
                "kecamatan": g["merchant__kecamatan__name"],
                "lat": lat,
                "lng": lng,
                "spend": spend,
                "purchases": g["purchases"],
            }
        )
        k = kec.setdefault(
            g["merchant__kecamatan__name"], {"lat": 0.0, "lng": 0.0, "n": 0, "spend": 0}
        )
        k["lat"] += lat
        k["lng"] += lng
        k["n"] += 1
        k["spend"] += spend
    kecamatan = [
        {
            "name": name,
            "lat": round(k["lat"] / k["n"], 6),
            "lng": round(k["lng"] / k["n"], 6),
            "spend": k["spend"],
            "merchants": k["n"],
        }
        for name, k in sorted(kec.items(), key=lambda kv: (-kv[1]["spend"], kv[0]))
    ]
    return {"merchants": merchants, "kecamatan": kecamatan}


def merchant_ranking(
    *, user, period: str, category=None, kecamatan=None, unit=None, limit: int | None = 50
) -> ReportData:
    """Merchants ranked by verified sales in ``period``, with market concentration (share of the
    top 10, Herfindahl–Hirschman index on a 0–10,000 scale) and the merchants whose first
    verified sale (within the reader's scope) falls in the period. One aggregate query."""
    validate_period(period)
    qs = scoped_purchases(user).filter(verified_q(), period__lte=period)
    qs = filter_purchases(qs, unit=unit)
    if category:
        qs = qs.filter(merchant__category=category)
    if kecamatan:
        qs = qs.filter(merchant__kecamatan=kecamatan)
    now = Q(period=period)
    groups = (
        qs.values(
            "merchant_id",
            "merchant__document_number",
            "merchant__business_name",
            "merchant__category__name",
            "merchant__kecamatan__name",
        )
        .annotate(
            sales=Sum("amount", filter=now),
            purchases=Count("id", filter=now),
            buyers=Count("employee_id", filter=now, distinct=True),
            first_period=Min("period"),
        )
        .filter(purchases__gt=0)
        .order_by("-sales", "merchant__business_name", "merchant_id")
    )
    all_rows = []
    for rank, g in enumerate(groups, start=1):
        all_rows.append(
            {
                "rank": rank,
                "merchant_id": g["merchant_id"],
                "document_number": g["merchant__document_number"],
                "business_name": g["merchant__business_name"],
                "category": g["merchant__category__name"],
                "kecamatan": g["merchant__kecamatan__name"],
                "purchases": g["purchases"],
                "buyers": g["buyers"],
                "sales": as_int(g["sales"]),
                "is_new": g["first_period"] == period,
            }
        )
    total = sum(r["sales"] for r in all_rows)
    for r in all_rows:
        r["share_pct"] = percent(r["sales"], total, 2)
    top10 = sum(r["sales"] for r in all_rows[:10])
    # HHI: the sum of squared market shares in percent (10,000 = a single merchant).
    hhi = round(sum((100.0 * r["sales"] / total) ** 2 for r in all_rows), 1) if total else None
    rows = all_rows if not limit else all_rows[:limit]
    summary = {
        "period": period,
        "merchants": len(all_rows),
        "new_merchants": sum(1 for r in all_rows if r["is_new"]),
        "new_merchant_sales": sum(r["sales"] for r in all_rows if r["is_new"]),
        "total_sales": total,
        "top10_sales": top10,
        "top10_share_pct": percent(top10, total),
        "hhi": hhi,
        "shown": len(rows),
    }
    totals = {
        "purchases": sum(r["purchases"] for r in rows),
        "sales": sum(r["sales"] for r in rows),
        "share_pct": percent(sum(r["sales"] for r in rows), total, 2),
    }
    return ReportData(rows=rows, totals=totals, summary=summary)


def spend_trend(
    *,
    user,
    period_from: str,
    period_to: str,
    unit=None,
    employee_class=None,
    category=None,
    kecamatan=None,
) -> ReportData:
    """Verified and pending spend per month over a range of periods. One aggregate query;
    months without purchases appear with zeros."""
    periods = period_range(period_from, period_to)
    qs = scoped_purchases(user).filter(status_set_q("all"), period__in=periods)
    qs = filter_purchases(
        qs, unit=unit, employee_class=employee_class, category=category, kecamatan=kecamatan
    )
    verified = verified_q()
    pending = pending_q()
    groups = {
        g["period"]: g
        for g in qs.values("period").annotate(
            verified_spend=Sum("amount", filter=verified),
            verified_purchases=Count("id", filter=verified),
            buyers=Count("employee_id", filter=verified, distinct=True),
            merchants=Count("merchant_id", filter=verified, distinct=True),
            pending_spend=Sum("amount", filter=pending),
            pending_purchases=Count("id", filter=pending),
        )
    }
    rows = []
    for p in periods:
        g = groups.get(p, {})
        rows.append(
            {
                "period": p,
                "verified_spend": as_int(g.get("verified_spend")),
                "verified_purchases": g.get("verified_purchases", 0),
                "buyers": g.get("buyers", 0),
                "merchants": g.get("merchants", 0),
                "pending_spend": as_int(g.get("pending_spend")),
                "pending_purchases": g.get("pending_purchases", 0),
            }
        )
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("verified_spend", "verified_purchases", "pending_spend", "pending_purchases")
    }
    return ReportData(rows=rows, totals=totals, summary={"periods": periods})
