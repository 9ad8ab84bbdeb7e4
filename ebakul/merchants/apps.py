from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchantsConfig(AppConfig):
    name = "ebakul.merchants"
    label = "merchants"
    verbose_name = _("Merchants (UMKM)")
