"""Demo data for workflows: verification assignments for the demo documents that wait for a
verifier, spread round-robin over the demo verifiers, so "Tugas saya" has work in it.

Statuses are set directly by the base seeder (docs/adr/0005), so no events are invented here:
a demo document's workflow history starts with the first action someone takes in the demo."""

from django.db.models import Q

from ebakul.accounts import roles

from .models import Assignment, DocumentType, WorkflowState


def _waiting(doc_type: str) -> list[str]:
    return list(
        WorkflowState.objects.filter(
            workflow__document_type=doc_type, awaits_verification=True
        ).values_list("code", flat=True)
    )


def seed(ctx) -> None:
    from django.contrib.auth.models import Group

    verifiers = ctx.users.get(roles.VERIFIER) or []
    if not verifiers:
        ctx.log("workflow: no demo verifiers, no assignments")
        return
    group = Group.objects.get(name=roles.VERIFIER)
    docs = [
        (DocumentType.MERCHANT, m.pk)
        for m in ctx.merchants
        if m.status in _waiting(DocumentType.MERCHANT)
    ]
    docs += [
        (DocumentType.PURCHASE, pk)
        for pk in ctx.purchases()
        .filter(status__in=_waiting(DocumentType.PURCHASE))
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    rows = [
        Assignment(
            document_type=doc_type,
            object_id=pk,
            assignee=verifiers[i % len(verifiers)],
            group=group,
        )
        for i, (doc_type, pk) in enumerate(docs)
    ]
    Assignment.objects.bulk_create(rows, batch_size=2000)
    ctx.log(f"workflow: {len(rows)} assignments over {len(verifiers)} verifiers")


def reset(rows, log=print) -> None:
    deleted, _ = Assignment.objects.filter(
        Q(assignee__in=rows.users())
        | Q(document_type=DocumentType.MERCHANT, object_id__in=rows.merchants().values("pk"))
        | Q(document_type=DocumentType.PURCHASE, object_id__in=rows.purchases().values("pk"))
    ).delete()
    log(f"workflow: {deleted} demo assignments removed")
