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
        from ebakul.purchases import hooks
        from ebakul.workflow import registry

        from . import checks, ocr, selectors, services

        for module in pkgutil.iter_modules(checks.__path__):
            importlib.import_module(f"{checks.__name__}.{module.name}")
        # The exact copy of another person's receipt is refused at upload; a stored receipt
        # is fingerprinted and scored in the background (issue 15).
        hooks.register_receipt_check("integrity_exact_duplicate", services.check_receipt_upload)
        hooks.register_receipt_stored("integrity_fingerprint", services.receipt_stored)
        hooks.register_receipt_stored("integrity_ocr", ocr.receipt_stored)
        # The risk and its reasons beside each purchase in the review workbench (ADR 0132).
        from ebakul.workflow import review
        from ebakul.workflow.models import DocumentType

        review.add_panel(
            DocumentType.PURCHASE,
            "integrity/workbench_panel.html",
            lambda document, user: selectors.risk_panel(document),
        )
        registry.add_before_transition(
            "purchases.purchase", "integrity_auto_verify_gate", services.auto_verify_gate
        )
