"""Reads for the workflow app: the "Tugas saya" inbox and state labels."""

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery

from .models import Assignment, DocumentType, WorkflowState, WorkflowTransition


def _doc_subquery(key: str, field: str) -> Subquery:
    from django.apps import apps

    model = apps.get_model(key)
    return Subquery(model.objects.filter(pk=OuterRef("object_id")).values(field)[:1])


def assignments_annotated(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments with their document's number and status, in one query (no N+1)."""
    return qs.select_related("assignee", "group").annotate(
        merchant_number=_doc_subquery(DocumentType.MERCHANT, "document_number"),
        merchant_name=_doc_subquery(DocumentType.MERCHANT, "business_name"),
        merchant_status=_doc_subquery(DocumentType.MERCHANT, "status"),
        purchase_number=_doc_subquery(DocumentType.PURCHASE, "document_number"),
        purchase_status=_doc_subquery(DocumentType.PURCHASE, "status"),
    )


def tasks_for(user) -> QuerySet[Assignment]:
    """The documents assigned to ``user`` and still waiting, oldest first."""
    return assignments_annotated(
        Assignment.objects.filter(assignee=user, active=True).order_by("assigned_at", "id")
    )


def task_counts(user) -> list[dict]:
    """[{"document_type": key, "label": ..., "count": n}] for every document type."""
    counts = dict(
        Assignment.objects.filter(assignee=user, active=True)
        .values_list("document_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"document_type": value, "label": label, "count": counts.get(value, 0)}
        for value, label in DocumentType.choices
    ]


def state_labels() -> dict[tuple[str, str], str]:
    """{(document type, state code): label} for every workflow, in one query."""
    return {
        (doc_type, code): label
        for doc_type, code, label in WorkflowState.objects.values_list(
            "workflow__document_type", "code", "label"
        )
    }


def events_labelled(queryset: QuerySet) -> QuerySet:
    """Workflow events with the labels of their states and action (``from_label``,
    ``to_label``, ``action_label``), in the same query."""

    def state(field):
        return Subquery(
            WorkflowState.objects.filter(
                workflow__document_type=OuterRef("document_type"), code=OuterRef(field)
            ).values("label")[:1]
        )

    action = Subquery(
        WorkflowTransition.objects.filter(
            workflow__document_type=OuterRef("document_type"), code=OuterRef("action")
        )
        .order_by("id")
        .values("label")[:1]
    )
    return queryset.annotate(
        from_label=state("from_state"), to_label=state("to_state"), action_label=action
    )


def action_labels() -> dict[tuple[str, str], str]:
    """{(document type, action code): label}, in one query (one code may leave several states:
    the first label is kept)."""
    labels: dict[tuple[str, str], str] = {}
    for doc_type, code, label in WorkflowTransition.objects.values_list(
        "workflow__document_type", "code", "label"
    ).order_by("id"):
        labels.setdefault((doc_type, code), label)
    return labels


def reassign_candidates(assignment: Assignment) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups=assignment.group_id, is_active=True)
        .exclude(pk=assignment.assignee_id)
        .order_by("username")
    )
