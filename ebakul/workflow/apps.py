from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "ebakul.workflow"
    label = "workflow"
    verbose_name = _("Workflows")

    def ready(self):
        from . import signals  # noqa: F401
