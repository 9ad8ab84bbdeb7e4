"""Start-up check: every document type with a workflow is registered, with its required hooks."""

from django.core import checks

from . import registry
from .models import DocumentType


def check_document_registry(app_configs=None, **kwargs) -> list[checks.Error]:
    return [
        checks.Error(problem, id="workflow.E001")
        for problem in registry.problems(DocumentType.values)
    ]
