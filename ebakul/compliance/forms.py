"""Forms of the compliance app shared by the desk's appeal page and the review workbench."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ebakul.core.money import format_rupiah
from ebakul.workflow.selectors import PURCHASE, state_label

from .models import AppealRemedy

MSG_APPEAL_DECIDED_OK = _("The appeal was decided; the employee has been notified.")


def _purchase_status(code: str) -> str:
    return state_label(PURCHASE, code)


class AppealDecisionForm(forms.Form):
    """The verifier's decision. Only shapes the input: the service enforces every rule (a note
    for both outcomes, a remedy that changes the result for an acceptance)."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("note to the employee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remedy = forms.ChoiceField(
        label=_("remedy (when accepting)"),
        choices=AppealRemedy.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    purchase = forms.TypedChoiceField(
        label=_("purchase to count"), required=False, coerce=int, empty_value=None
    )
    exemption_start = forms.DateField(
        label=_("exempt from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    exemption_end = forms.DateField(
        label=_("exempt until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.IntegerField(label=_("reduce the deduction by (Rp)"), required=False)
    reason = forms.CharField(label=_("reason for the reduction"), required=False, max_length=500)

    def __init__(self, *args, purchases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchase"].choices = [("", "—")] + [
            (
                p.pk,
                f"{p.document_number} · {format_rupiah(p.amount)} · {_purchase_status(p.status)}",
            )
            for p in purchases
        ]
