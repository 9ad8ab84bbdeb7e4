"""Behaviour over a period: what the period scan (``ebakul/integrity/behaviour.py``) found."""

from django.utils.translation import gettext_lazy as _

from ebakul.integrity.detectors import Finding, purchase_detector, register_signal
from ebakul.integrity.models import BehaviourFinding

FEW_BUYERS = register_signal(
    "merchant_few_buyers",
    _("Merchant's claims come from a handful of buyers"),
    25,  # alone: a person looks (the default review threshold), never the system (ADR 0201)
    _("In the period the merchant has many claims from at most three employees."),
)
ONE_UNIT = register_signal(
    "merchant_one_unit",
    _("Merchant's claims come mostly from one work unit"),
    25,
    _("In the period at least 90% of the merchant's claims come from one work unit."),
)
MONTH_END_BURST = register_signal(
    "month_end_burst",
    _("Burst of claims at the end of the month"),
    25,
    _("Most of the merchant's claims of the period were bought in the last three days."),
)
WHOLE_REQUIREMENT = register_signal(
    "whole_requirement_new_merchant",
    _("One purchase covers the whole requirement at a new merchant"),
    30,
    _(
        "A single purchase equal to the employee's whole remaining requirement, at a merchant "
        "the employee never bought from before."
    ),
)


@purchase_detector("behaviour")
def behaviour(purchase):
    for code, detail, merchant_id in BehaviourFinding.objects.filter(
        purchase_id=purchase.pk
    ).values_list("signal_code", "detail", "related_merchant_id"):
        yield Finding(code, detail, related_merchant_id=merchant_id)
