from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchantsConfig(AppConfig):
    name = "ebakul.merchants"
    label = "merchants"
    verbose_name = _("Merchants (UMKM)")

    def ready(self):
        # The merchant registration is a workflow document; the engine never imports this app.
        from ebakul.workflow import registry
        from ebakul.workflow.conditions import register_hook

        from .selectors import merchant_verified
        from .workflow import SPEC

        registry.register(SPEC)
        register_hook("merchant_verified", merchant_verified)
