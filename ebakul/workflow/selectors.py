"""Reads for the workflow app: the "Tugas saya" inbox, and the workflow definition as the source
of truth for what a state means (docs/adr/0125): its label, whether it is initial, editable,
final, pending or verified, and which action submits.

The states of a document type are read once per request (or Celery task) and kept in a
request-local cache, so a list of N documents, a template filter and a service check share one
query. SQL that must stay set-based (the monthly close, the reports) uses ``state_codes``, a
subquery, and costs no query of its own."""

from asgiref.local import Local
from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery

from .models import Assignment, DocumentType, WorkflowState, WorkflowTransition

PURCHASE = DocumentType.PURCHASE.value
MERCHANT = DocumentType.MERCHANT.value
STATE_FLAGS = frozenset(
    {
        "is_initial",
        "is_final",
        "is_editable",
        "awaits_verification",
        "counts_as_pending",
        "counts_as_verified",
    }
)

_cache = Local()


def reset_cache(**kwargs) -> None:
    """Forget the cached definitions (at the start of each request and task, after an edit)."""
    _cache.states = {}
    _cache.submits = {}


def _bucket(name: str) -> dict:
    bucket = getattr(_cache, name, None)
    if bucket is None:
        reset_cache()
        bucket = getattr(_cache, name)
    return bucket


def workflow_states(key: str) -> dict[str, WorkflowState]:
    """{code: state} of the workflow of document type ``key``, in display order (one query per
    request)."""
    states = _bucket("states")
    if key not in states:
        states[key] = {
            s.code: s
            for s in WorkflowState.objects.filter(workflow__document_type=key).order_by(
                "order", "id"
            )
        }
    return states[key]


def _check_flag(flag: str) -> None:
    if flag not in STATE_FLAGS:
        raise ValueError(f"unknown workflow state flag: {flag}")


def states_with(key: str, flag: str) -> frozenset[str]:
    """The codes of the states of ``key``'s workflow that have ``flag`` set."""
    _check_flag(flag)
    return frozenset(code for code, s in workflow_states(key).items() if getattr(s, flag))


def state_codes(key: str, flag: str) -> QuerySet:
    """The same codes as a lazy subquery (``status__in=state_codes(...)``, or its SQL), for
    set-based reads that must not cost a query of their own."""
    _check_flag(flag)
    return WorkflowState.objects.filter(workflow__document_type=key, **{flag: True}).values("code")


def state_codes_sql(key: str, flag: str) -> tuple[str, list]:
    """``state_codes`` as raw SQL and its parameters, for hand-written SQL (``IN (<sql>)``)."""
    sql, params = state_codes(key, flag).query.sql_with_params()
    return sql, list(params)


def has_flag(key: str, code: str, flag: str) -> bool:
    _check_flag(flag)
    state = workflow_states(key).get(code)
    return bool(state and getattr(state, flag))


def initial_state(key: str) -> str:
    """The code of the state a new document starts in."""
    for code, state in workflow_states(key).items():
        if state.is_initial:
            return code
    raise LookupError(f"the workflow of {key} has no initial state")


def state_kind(key: str, code: str) -> str:
    """What a state means to the owner of the document, read from the workflow's flags (never
    from its code): ``draft`` (initial: not sent yet), ``verified`` (counts as verified),
    ``refused`` (final without counting), ``fix`` (editable again after sending), ``waiting``
    (awaits verification or counts as pending) or ``held`` (anything else, e.g. suspended)."""
    state = workflow_states(key).get(code)
    if state is None:
        return "held"
    if state.is_initial:
        return "draft"
    if state.counts_as_verified:
        return "verified"
    if state.is_final:
        return "refused"
    if state.is_editable:
        return "fix"
    if state.awaits_verification or state.counts_as_pending:
        return "waiting"
    return "held"


def state_label(key: str, code: str) -> str:
    """The workflow's label for ``code``; the code itself for a state the workflow lacks."""
    state = workflow_states(key).get(code)
    return state.label if state else code


def state_choices(key: str, *, exclude: str | None = None) -> list[tuple[str, str]]:
    """[(code, label)] of every state, in the workflow's order; ``exclude`` a flag to leave out
    (e.g. ``is_initial`` for lists that never show drafts)."""
    if exclude:
        _check_flag(exclude)
    return [
        (code, s.label)
        for code, s in workflow_states(key).items()
        if not (exclude and getattr(s, exclude))
    ]


def submit_action(key: str, state: str) -> str | None:
    """The code of the enabled transition out of ``state`` that submits the document."""
    submits = _bucket("submits")
    if key not in submits:
        submits[key] = dict(
            WorkflowTransition.objects.filter(
                workflow__document_type=key, is_submit=True, enabled=True
            )
            .order_by("-order", "-id")
            .values_list("from_state__code", "code")
        )
    return submits[key].get(state)


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

    from .documents import model_for

    # The models through the document registry: workflow imports no domain app (ADR 0121).
    Purchase = model_for(DocumentType.PURCHASE)
    UmkmMerchant = model_for(DocumentType.MERCHANT)
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
