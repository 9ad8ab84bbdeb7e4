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
