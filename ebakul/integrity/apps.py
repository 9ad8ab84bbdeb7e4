import importlib
import pkgutil

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ebakul.integrity"
    verbose_name = _("Purchase integrity")

    def ready(self) -> None:
        # Every module of ebakul.integrity.checks declares its signals and registers its
        # detectors (ebakul/integrity/detectors.py) when imported.
        from . import checks

        for module in pkgutil.iter_modules(checks.__path__):
            importlib.import_module(f"{checks.__name__}.{module.name}")
