from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "ebakul.marketplace"
    label = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        # The product photo policy must be registered before any form or model field uses it.
        from . import photos  # noqa: F401
