"""``{% load integrity %}{% integrity_signals purchase %}``: the purchase's risk and its reasons,
a small panel for the review workbench (issue 15). One query (the reasons with their related
purchases)."""

from django import template

from ebakul.integrity import detectors
from ebakul.integrity.models import PurchaseRisk

register = template.Library()


@register.inclusion_tag("integrity/_signals_panel.html")
def integrity_signals(purchase):
    risk = (
        PurchaseRisk.objects.filter(purchase_id=getattr(purchase, "pk", None))
        .prefetch_related("reasons__related_purchase")
        .first()
    )
    labels = {c: s.label for c, s in detectors.signals().items()}
    reasons = []
    if risk is not None:
        reasons = [
            {"label": labels.get(r.signal_code, r.signal_code), "reason": r}
            for r in risk.reasons.all()
        ]
    return {"risk": risk, "reasons": reasons}
