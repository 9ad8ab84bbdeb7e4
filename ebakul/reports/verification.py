"""The statement's verification QR (docs/adr/0151): a token signed with ``django.core.signing``
that carries the figures printed on the statement. The public page opened by the QR shows
those figures, the NIP masked and whether they still match the records; nothing else."""

from django.core import signing

from ebakul.compliance.models import DeductionStatus, MonthlyCompliance, TppDeduction
from ebakul.employees.models import Employee
from ebakul.purchases.models import Purchase, PurchaseStatus

SALT = "ebakul.reports.statement-check"


def mask_nip(nip: str) -> str:
    """``198501012010011001`` → ``1985***********001``: enough to recognise one's own."""
    if len(nip) <= 7:
        return "*" * len(nip)
    return nip[:4] + "*" * (len(nip) - 7) + nip[-3:]


def statement_figures(statement: dict) -> dict:
    """The figures a statement prints, as plain integers (None when there is no result)."""
    compliance, deduction = statement["compliance"], statement["deduction"]
    return {
        "verified_total": int(statement["verified_total"]),
        "required": int(compliance.required_spend) if compliance else None,
        "shortfall": int(compliance.shortfall) if compliance else None,
        "deduction": int(deduction.deduction_amount)
        if deduction
        else (int(compliance.deduction_amount) if compliance else None),
    }


def statement_token(statement: dict) -> str:
    payload = {
        "e": statement["employee"].pk,
        "p": statement["period"],
        "f": statement_figures(statement),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def statement_check_url(request, statement: dict) -> str:
    """The absolute address the statement's QR opens."""
    from django.urls import reverse

    return request.build_absolute_uri(
        reverse("reports:statement_check", args=[statement_token(statement)])
    )


def _current_figures(employee: Employee, period: str) -> dict:
    compliance = MonthlyCompliance.objects.filter(employee=employee, period=period).first()
    deduction = (
        TppDeduction.objects.filter(employee=employee, period=period)
        .exclude(status=DeductionStatus.CANCELLED)
        .order_by("-version")
        .first()
    )
    verified = sum(
        Purchase.objects.filter(
            employee=employee, period=period, status=PurchaseStatus.VERIFIED
        ).values_list("amount", flat=True)
    )
    return statement_figures(
        {"compliance": compliance, "deduction": deduction, "verified_total": verified}
    )


def statement_check(token: str) -> dict:
    """What the public page shows for ``token``; raises ``signing.BadSignature`` for a token
    that was not made here or was changed. Four queries."""
    payload = signing.loads(token, salt=SALT)
    employee = Employee.objects.filter(pk=payload["e"]).only("nip").first()
    if employee is None:
        raise signing.BadSignature("employee gone")
    figures = payload["f"]
    return {
        "nip_masked": mask_nip(employee.nip),
        "period": payload["p"],
        "figures": figures,
        "still_valid": _current_figures(employee, payload["p"]) == figures,
    }
