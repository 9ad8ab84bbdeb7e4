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

        # A completed marketplace order becomes a verified purchase (docs/adr/0400).
        from ebakul.marketplace import hooks

        from .from_orders import check_order_period, purchase_from_order

        hooks.register("completion", purchase_from_order)
        hooks.register("check_period", check_order_period)
