"""Appeals in the review workbench (``/desk/tinjau/``, docs/adr/0132): a verifier's pending
appeals join the queue beside purchases and merchants, with the evidence large on the left, the
result and the period's purchases in the side panels, and the decision (accept with a remedy,
or reject) through ``services.appeal_decide`` — the same service as the appeal page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.errors import DomainError
from ebakul.purchases.models import Purchase
from ebakul.workflow import review

from . import rules, selectors, services
from .forms import MSG_APPEAL_DECIDED_OK, AppealDecisionForm
from .models import AppealStatus, MonthlyCompliance

KEY = "compliance.appeal"
SLUG = "sanggahan"
WAITING_READ = 1000
MSG_FORM_INVALID = _("Check the decision: %(errors)s")


def waiting(user) -> list[tuple[int, object]]:
    """Pending appeals the user may decide (a verifier or an administrator, never their own),
    oldest first."""
    if not roles.is_admin_or_verifier(user):
        return []
    return list(
        selectors.appeals_visible_to(user)
        .filter(status=AppealStatus.PENDING)
        .exclude(employee__user_id=user.pk)
        .order_by("created_at", "id")
        .values_list("pk", "created_at")[:WAITING_READ]
    )


def load(pk: int, user):
    return (
        selectors.appeals_visible_to(user)
        .select_related("employee__work_unit")
        .filter(pk=pk)
        .first()
    )


def _purchases(appeal) -> list:
    return list(
        Purchase.objects.filter(employee_id=appeal.employee_id, period=appeal.period)
        .select_related("merchant")
        .order_by("purchased_at", "pk")
    )


def _is_pdf(appeal) -> bool:
    return bool(appeal.evidence) and appeal.evidence.name.lower().endswith(".pdf")


def context(appeal, user) -> dict:
    return {
        "title_text": _("Appeal of %(name)s for %(month)s")
        % {"name": appeal.employee.name, "month": rules.indonesian_month(appeal.period)},
        "state_label": appeal.get_status_display(),
        "doc_label": _("Evidence"),
        "evidence_url": reverse("portal:appeal_evidence", args=[appeal.pk])
        if appeal.evidence
        else "",
        "evidence_is_pdf": _is_pdf(appeal),
        "form": AppealDecisionForm(purchases=_purchases(appeal)),
    }


def result_panel(appeal, user) -> dict:
    return {
        "month": rules.indonesian_month(appeal.period),
        "stored": MonthlyCompliance.objects.filter(
            employee_id=appeal.employee_id, period=appeal.period
        ).first(),
        "live": selectors.employee_progress(employee=appeal.employee, period=appeal.period),
    }


def purchases_panel(appeal, user) -> dict:
    return {"purchases": _purchases(appeal)}


def decide(appeal, user, data) -> str:
    form = AppealDecisionForm(data, purchases=_purchases(appeal))
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        raise DomainError(MSG_FORM_INVALID % {"errors": errors})
    d = form.cleaned_data
    accept = d["decision"] == "accept"
    services.appeal_decide(
        appeal=appeal,
        accept=accept,
        note=d["note"],
        actor=user,
        remedy=d["remedy"] if accept else "",
        purchase=d["purchase"],
        exemption_start=d["exemption_start"],
        exemption_end=d["exemption_end"],
        amount=d["amount"],
        reason=d["reason"],
    )
    return str(MSG_APPEAL_DECIDED_OK)


def register() -> None:
    review.register_kind(
        review.ReviewKind(
            key=KEY,
            slug=SLUG,
            waiting=waiting,
            load=load,
            context=context,
            decide=decide,
            document_template="compliance/workbench/appeal_evidence.html",
            actions_template="compliance/workbench/appeal_actions.html",
        )
    )
    review.add_panel(KEY, "compliance/workbench/appeal_result.html", result_panel)
    review.add_panel(KEY, "compliance/workbench/appeal_purchases.html", purchases_panel)
