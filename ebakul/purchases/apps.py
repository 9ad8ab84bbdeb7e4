from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    name = "ebakul.purchases"
    label = "purchases"
    verbose_name = _("Purchases")

    def ready(self):
        # The purchase is a workflow document; the engine never imports this app.
        from ebakul.workflow import registry

        from .workflow import SPEC

        registry.register(SPEC)
