"""Deduction adjustments granted by accepted appeals (ADR 0106): how the close applies them and
what the e-TPP export shows. Reads only; ``services.appeal_decide`` records them."""

from collections import defaultdict

from django.db.models import Sum

from .models import DeductionAdjustment


def totals(period: str, employee_ids=None) -> dict[int, int]:
    """employee id → the sum of the employee's reductions for ``period`` (one query)."""
    qs = DeductionAdjustment.objects.filter(period=period)
    if employee_ids is not None:
        qs = qs.filter(employee_id__in=list(employee_ids))
    return {
        e: int(total)
        for e, total in qs.values("employee_id")
        .annotate(total=Sum("amount"))
        .values_list("employee_id", "total")
    }


def apply(period: str, results, employee_ids=None) -> list:
    """The engine's results with each employee's reductions subtracted from the deduction,
    never below zero. The facts (required, verified, shortfall, status) stay as computed."""
    reductions = totals(period, employee_ids)
    if not reductions:
        return list(results)
    return [
        r._replace(deduction_amount=max(r.deduction_amount - reductions[r.employee_id], 0))
        if r.employee_id in reductions
        else r
        for r in results
    ]


def for_export(period: str, *, nips=None) -> dict[str, tuple[int, str]]:
    """NIP → (total reduction, reasons joined by "; ") for the export rows of ``period``."""
    qs = DeductionAdjustment.objects.filter(period=period)
    if nips is not None:
        qs = qs.filter(employee__nip__in=list(nips))
    out = defaultdict(lambda: [0, []])
    for nip, amount, reason in qs.order_by("id").values_list("employee__nip", "amount", "reason"):
        out[nip][0] += amount
        out[nip][1].append(reason)
    return {nip: (total, "; ".join(reasons)) for nip, (total, reasons) in out.items()}
