"""Undo of a reviewer's last decision within a short grace period (docs/adr/0140).

undo_last(*, document, actor) -> document

An undo is a reverse transition taken by the engine: the row is locked, the document goes back
to the state it left, the notes the decision wrote are restored, the verification assignment
comes back to the person who decided, and a ``WorkflowEvent`` with action ``undo`` records it
(the event log stays append-only: the decision's own event is kept)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import ConflictError, PermissionDeniedError

from . import documents, services
from .models import Assignment, WorkflowEvent

ACTION_UNDO = "undo"
GRACE = dt.timedelta(seconds=30)

MSG_NOTHING = _("There is no decision on this document to undo.")
MSG_NOT_YOURS = _("Only the person who took the last decision may undo it.")
MSG_TOO_LATE = _("The time to undo has passed (%(seconds)s seconds after the decision).")
MSG_UNDONE = _("Undone: %(action)s")


def last_decision(document) -> WorkflowEvent | None:
    """The document's latest event when it is a person's state change that could be undone."""
    event = (
        WorkflowEvent.objects.filter(
            document_type=documents.document_key(document), object_id=document.pk
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None or event.action == ACTION_UNDO or event.from_state == event.to_state:
        return None
    return event


def undoable(document, actor, *, now=None) -> WorkflowEvent | None:
    """The decision ``actor`` may still undo on ``document`` now, else None."""
    event = last_decision(document)
    now = now or timezone.now()
    if (
        event is None
        or event.actor_id != actor.pk
        or event.to_state != document.status
        or now - event.created_at > GRACE
    ):
        return None
    return event


def undo_last(*, document, actor):
    """Reverse ``actor``'s last decision on ``document`` when it is still the latest event and
    at most ``GRACE`` old. Raises ConflictError (nothing to undo / too late / changed meanwhile),
    PermissionDeniedError (somebody else decided) or the compliance app's PeriodLockedError."""
    key = documents.document_key(document)
    model = documents.model_for(key)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=document.pk)
        event = last_decision(locked)
        if event is None or event.to_state != locked.status:
            raise ConflictError(MSG_NOTHING)
        if event.actor_id is None or event.actor_id != actor.pk:
            raise PermissionDeniedError(MSG_NOT_YOURS)
        if timezone.now() - event.created_at > GRACE:
            raise ConflictError(MSG_TOO_LATE % {"seconds": int(GRACE.total_seconds())})
        wf = services.load_workflow(key)
        if wf is None or not wf.definition.active:
            raise ConflictError(services.MSG_NO_WORKFLOW)
        documents.before_transition(locked, ACTION_UNDO)
        old = locked.status
        fields = ["status", "updated_at"]
        # The notes as they were before the decision (the decision's save is the latest record).
        before = list(locked.history.order_by("-history_date", "-history_id")[:2])
        if len(before) == 2:
            for name in documents.note_fields(locked):
                setattr(locked, name, getattr(before[1], name))
                fields.append(name)
        locked.status = event.from_state
        locked._history_user = actor
        locked.save(update_fields=fields)
        label = wf.transition(event.from_state, event.action)
        WorkflowEvent.objects.create(
            document_type=key,
            object_id=locked.pk,
            from_state=old,
            to_state=locked.status,
            action=ACTION_UNDO,
            actor=actor,
            comment=str(MSG_UNDONE % {"action": label.label if label else event.action}),
        )
        documents.after_transition(locked, old=old, new=locked.status, at=timezone.now())
        _give_back(wf, locked, actor)
    document.status = locked.status
    for name in documents.note_fields(locked):
        setattr(document, name, getattr(locked, name))
    return locked


def _give_back(wf, document, actor) -> None:
    """The task goes back to whoever undid the decision (they had it), in the same group."""
    key = documents.document_key(document)
    state = wf.states.get(document.status)
    active = Assignment.objects.filter(document_type=key, object_id=document.pk, active=True)
    if state is None or not state.awaits_verification:
        active.update(active=False, ended_at=timezone.now())
        return
    if active.filter(assignee=actor).exists():
        return
    active.update(active=False, ended_at=timezone.now())
    previous = (
        Assignment.objects.filter(document_type=key, object_id=document.pk, assignee=actor)
        .order_by("-id")
        .first()
    )
    group_id = previous.group_id if previous else wf.definition.assignment_group_id
    if group_id is not None:
        Assignment.objects.create(
            document_type=key, object_id=document.pk, assignee=actor, group_id=group_id
        )
