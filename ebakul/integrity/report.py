"""The integrity report of one period (issue 15): a handful of grouped queries."""

from django.db.models import Avg, Count, Q

from . import detectors
from .models import PurchaseRisk, RiskReason, Route

VERIFIED = "verified"
REJECTED = "rejected"


def integrity_report(period: str) -> dict:
    labels = {c: s.label for c, s in detectors.signals().items()}
    reasons = RiskReason.objects.filter(risk__period=period)
    by_signal = [
        {
            "code": r["signal_code"],
            "label": labels.get(r["signal_code"], r["signal_code"]),
            "n": r["n"],
        }
        for r in reasons.values("signal_code").annotate(n=Count("id")).order_by("-n")
    ]
    by_unit = list(
        reasons.values("risk__purchase__employee__work_unit__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    by_merchant = list(
        reasons.values("risk__purchase__merchant__business_name", "risk__purchase__merchant__nib")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    routes = dict(
        PurchaseRisk.objects.filter(period=period).values_list("route").annotate(n=Count("id"))
    )
    route_rows = [{"label": label, "n": routes.get(code, 0)} for code, label in Route.choices]
    clusters = list(
        reasons.filter(
            signal_code__in=("duplicate_receipt_exact", "duplicate_receipt_near"),
            related_purchase__isnull=False,
        )
        .values("related_purchase_id", "related_purchase__document_number")
        .annotate(copies=Count("id"))
        .order_by("-copies")[:20]
    )
    riskiest = list(
        PurchaseRisk.objects.filter(period=period)
        .values("purchase__merchant__business_name", "purchase__merchant__nib")
        .annotate(
            avg=Avg("score"),
            n=Count("id"),
            high=Count("id", filter=Q(route=Route.INVESTIGATE)),
        )
        .filter(avg__gt=0)
        .order_by("-avg", "-high")[:10]
    )
    sample = PurchaseRisk.objects.filter(period=period, route=Route.AUDIT_SAMPLE)
    audit = sample.aggregate(
        n=Count("id"),
        verified=Count("id", filter=Q(purchase__status=VERIFIED)),
        rejected=Count("id", filter=Q(purchase__status=REJECTED)),
    )
    decided = audit["verified"] + audit["rejected"]
    audit["wrong_percent"] = round(100 * audit["rejected"] / decided, 1) if decided else None
    return {
        "by_signal": by_signal,
        "by_unit": by_unit,
        "by_merchant": by_merchant,
        "routes": route_rows,
        "clusters": clusters,
        "riskiest": riskiest,
        "audit": audit,
    }
