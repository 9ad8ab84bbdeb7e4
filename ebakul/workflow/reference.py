"""Default workflows from ``fixtures/workflows.json``. A definition is created with its states,
transitions and conditions only when it does not exist yet: once there, it belongs to the
administrators, and running the loader again never touches it (see docs/adr/0020)."""

from django.contrib.auth.models import Group
from django.db import transaction

from ebakul.core.reference import read_fixture

from .models import (
    RefusalReason,
    TransitionCondition,
    WorkflowDefinition,
    WorkflowState,
    WorkflowTransition,
)

STATE_FLAGS = (
    "is_initial",
    "is_final",
    "is_editable",
    "awaits_verification",
    "counts_as_pending",
    "counts_as_verified",
)
TRANSITION_FLAGS = (
    "allow_creator",
    "is_automatic",
    "enabled",
    "is_submit",
    "sets_status_note",
    "requires_reason",
    "reason_kind",
)


def _group(name: str | None) -> Group | None:
    return Group.objects.get_or_create(name=name)[0] if name else None


@transaction.atomic
def create_definition(spec: dict) -> WorkflowDefinition:
    definition = WorkflowDefinition.objects.create(
        document_type=spec["document_type"],
        name=spec["name"],
        assignment_group=_group(spec.get("assignment_group")),
        assignment_scope=spec.get("assignment_scope", "none"),
    )
    states = {}
    for order, s in enumerate(spec["states"], start=1):
        states[s["code"]] = WorkflowState.objects.create(
            workflow=definition,
            code=s["code"],
            label=s["label"],
            order=order * 10,
            **{flag: s.get(flag, False) for flag in STATE_FLAGS},
        )
    for order, t in enumerate(spec["transitions"], start=1):
        flags = {flag: t[flag] for flag in TRANSITION_FLAGS if flag in t}
        transition = WorkflowTransition.objects.create(
            workflow=definition,
            code=t["code"],
            label=t["label"],
            from_state=states[t["from"]],
            to_state=states[t["to"]],
            owner_rule=t.get("owner_rule", "none"),
            owner_group=_group(t.get("owner_group")),
            order=order * 10,
            **flags,
        )
        transition.allowed_groups.set([_group(name) for name in t.get("groups", ())])
        for c in t.get("conditions", ()):
            condition = TransitionCondition(
                transition=transition, predicate=c["predicate"], params=c["params"]
            )
            condition.full_clean()
            condition.save()
    return definition


def load_reasons() -> int:
    """The common refusal reasons of ``fixtures/refusal_reasons.json``, for each kind that has
    none yet: once a kind has reasons, the list belongs to the administrators."""
    created = 0
    for spec in read_fixture("refusal_reasons.json"):
        if RefusalReason.objects.filter(kind=spec["kind"]).exists():
            continue
        for order, label in enumerate(spec["labels"], start=1):
            RefusalReason.objects.create(kind=spec["kind"], label=label, order=order * 10)
            created += 1
    return created


def load(log=print) -> None:
    created = 0
    for spec in read_fixture("workflows.json"):
        if not WorkflowDefinition.objects.filter(document_type=spec["document_type"]).exists():
            create_definition(spec)
            created += 1
    log(f"workflows: {created} created")
    log(f"refusal reasons: {load_reasons()} created")
