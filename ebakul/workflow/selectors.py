"""Reads for the workflow app: the "Tugas saya" inbox and state labels."""

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery

from .models import Assignment, DocumentType, WorkflowState


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


def reassign_candidates(assignment: Assignment) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups=assignment.group_id, is_active=True)
        .exclude(pk=assignment.assignee_id)
        .order_by("username")
    )


# --- "Tugas saya" as a work list (docs/adr/0142) ---------------------------------------------
def _by_type(field_purchase: str | None, field_merchant: str | None):
    """One value per row from the purchase or the merchant the assignment is about."""
    from django.db.models import Case, Value, When

    whens = []
    if field_purchase:
        whens.append(
            When(
                document_type=DocumentType.PURCHASE,
                then=_doc_subquery(DocumentType.PURCHASE, field_purchase),
            )
        )
    if field_merchant:
        whens.append(
            When(
                document_type=DocumentType.MERCHANT,
                then=_doc_subquery(DocumentType.MERCHANT, field_merchant),
            )
        )
    return Case(*whens, default=Value(None))


def worklist(user) -> QuerySet[Assignment]:
    """``user``'s waiting tasks with what a verifier sorts and searches by, in one query:
    employee (name, NIP), unit, merchant, amount, purchase date, number and state."""
    return (
        Assignment.objects.filter(assignee=user, active=True)
        .select_related("group")
        .annotate(
            wl_employee=_by_type("employee__name", None),
            wl_nip=_by_type("employee__nip", None),
            wl_unit=_by_type("employee__work_unit__name", None),
            wl_unit_id=_by_type("employee__work_unit_id", None),
            wl_merchant=_by_type("merchant__business_name", "business_name"),
            wl_amount=_by_type("amount", None),
            wl_purchased_at=_by_type("purchased_at", None),
            wl_number=_by_type("document_number", "document_number"),
            wl_status=_by_type("status", "status"),
        )
        .order_by("assigned_at", "id")
    )


def worklist_search(qs: QuerySet[Assignment], term: str) -> QuerySet[Assignment]:
    """By NIP, employee name, document number or merchant name (purchases and merchants)."""
    from django.db.models import Q

    from ebakul.merchants.models import UmkmMerchant
    from ebakul.purchases.models import Purchase

    term = term.strip()
    if not term:
        return qs
    purchases = Purchase.objects.filter(
        Q(employee__nip=term)
        | Q(employee__name__icontains=term)
        | Q(document_number__icontains=term)
        | Q(merchant__business_name__icontains=term)
    ).values("pk")
    merchants = UmkmMerchant.objects.filter(
        Q(business_name__icontains=term) | Q(document_number__icontains=term) | Q(nib=term)
    ).values("pk")
    return qs.filter(
        Q(document_type=DocumentType.PURCHASE, object_id__in=purchases)
        | Q(document_type=DocumentType.MERCHANT, object_id__in=merchants)
    )
