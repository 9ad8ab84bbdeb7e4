from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "ebakul.compliance"
    label = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        # The workflow condition ``appeal_window_open`` asks this app; workflow never imports it.
        from ebakul.workflow.conditions import register_hook

        from .selectors import purchase_in_appeal_window

        register_hook("appeal_window_open", purchase_in_appeal_window)

        # The locked-period guard runs before every purchase transition. Purchases require it
        # (``required_hooks``): without this line no purchase moves (docs/adr/0120).
        from ebakul.purchases.workflow import PERIOD_GUARD
        from ebakul.workflow.models import DocumentType
        from ebakul.workflow.registry import add_before_transition

        from .services import assert_purchase_changeable

        add_before_transition(
            DocumentType.PURCHASE,
            PERIOD_GUARD,
            lambda document, action: assert_purchase_changeable(purchase=document, action=action),
        )

        # Pending appeals are tasks of the review workbench (docs/adr/0132).
        from .workbench import register as register_workbench

        register_workbench()

        # The integrity scan's "whole remaining requirement" signal reads the stored results.
        from ebakul.integrity.behaviour import register_requirement_provider

        from .selectors import required_spend_by_employee

        register_requirement_provider("compliance_required_spend", required_spend_by_employee)
