from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "ebakul.workflow"
    label = "workflow"
    verbose_name = _("Workflows")

    def ready(self):
        from django.core import checks

        from . import signals  # noqa: F401
        from .checks import check_document_registry

        checks.register(check_document_registry, checks.Tags.models)
