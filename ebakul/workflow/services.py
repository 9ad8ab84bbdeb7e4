"""The workflow engine. A document's status changes only through ``apply_action``.

available_actions(*, document, user) -> list[WorkflowTransition]
apply_action(*, document, action, actor, comment="", reason=None) -> document
document_history(*, document) -> QuerySet[WorkflowEvent]
assignment_reassign(*, document, assignee, actor, reason="") -> Assignment
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.core.history import set_history_user
from ebakul.core.services import notify

from . import conditions, documents, graph
from .models import (
    Assignment,
    AssignmentScope,
    OwnerRule,
    RefusalReason,
    WorkflowDefinition,
    WorkflowEvent,
    WorkflowState,
    WorkflowTransition,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MSG_NO_WORKFLOW = _("There is no active workflow for this kind of document.")
MSG_LOGIN_REQUIRED = _("Sign in to take an action.")
MSG_NOT_FROM_STATE = _("The action “%(action)s” is not possible while the document is “%(state)s”.")
MSG_CHANGED_MEANWHILE = _(
    "Someone else changed this document meanwhile: it is now “%(state)s”. Reload it and try again."
)
MSG_NOT_ALLOWED = _("You may not take the action “%(action)s” on this document.")
MSG_NOT_YOURS = _("Only the document's own user may take the action “%(action)s” on it.")
MSG_CREATOR = _("You created this document, so you may not take the action “%(action)s” on it.")
MSG_CONCERNS_SELF = _(
    "You may not decide on a document that concerns yourself (“%(action)s”): another verifier "
    "or administrator has to."
)
MSG_CONDITION = _("The action “%(action)s” needs: %(condition)s.")
MSG_AUTOMATIC_ONLY = _("The action “%(action)s” is taken automatically by the system.")
MSG_DISABLED = _("The action “%(action)s” is switched off.")
MSG_REASSIGN_NOT_ALLOWED = _("Only an administrator or the current assignee may reassign.")
MSG_REASSIGN_NOT_MEMBER = _("%(user)s is not an active member of the group %(group)s.")
MSG_REASSIGN_NOTHING = _("This document is not assigned to anyone.")
MSG_REASSIGN_SAME = _("The document is already assigned to %(user)s.")
MSG_STATE_OCCUPIED = _(
    "The state “%(state)s” cannot be removed or renamed: %(count)s document(s) are in it. "
    "Move them to another state first."
)

MSG_REASON_REQUIRED = _(
    "The action “%(action)s” needs a reason: choose one from the list or write it."
)
MSG_REASON_INVALID = _("The chosen reason is not offered for the action “%(action)s”.")
MSG_NOTIFY_REASON = _("Reason: %(reason)s")

ACTION_REASSIGN = "assignment_reassign"
MAX_AUTOMATIC_STEPS = 5


# --- Loading a definition ------------------------------------------------------------------
@dataclass
class Compiled:
    """A workflow definition read into memory: states by code, transitions by from-state."""

    definition: WorkflowDefinition
    states: dict[str, WorkflowState]
    outgoing: dict[str, list[WorkflowTransition]] = field(default_factory=dict)

    def transition(self, state: str, action: str) -> WorkflowTransition | None:
        for t in self.outgoing.get(state, ()):
            if t.code == action:
                return t
        return None

    def state_label(self, code: str) -> str:
        state = self.states.get(code)
        return state.label if state else code

    def transition_label(self, code: str) -> str:
        for outgoing in self.outgoing.values():
            for t in outgoing:
                if t.code == code:
                    return t.label
        return code


def load_workflow(key: str) -> Compiled | None:
    """Read one definition with its states, transitions, groups and conditions (5 queries)."""
    definition = (
        WorkflowDefinition.objects.select_related("assignment_group")
        .filter(document_type=key)
        .first()
    )
    if definition is None:
        return None
    states = {s.code: s for s in definition.states.all()}
    compiled = Compiled(definition=definition, states=states)
    transitions = (
        definition.transitions.select_related("from_state", "to_state", "owner_group")
        .prefetch_related("allowed_groups", "conditions")
        .order_by("order", "id")
    )
    for t in transitions:
        t.allowed_group_names = frozenset(g.name for g in t.allowed_groups.all())
        t.condition_list = [(c.predicate, c.params) for c in t.conditions.all()]
        compiled.outgoing.setdefault(t.from_state.code, []).append(t)
    return compiled


def workflow_cached_for(user, key: str) -> Compiled | None:
    """The compiled workflow of ``key``, cached on the user object for the life of a request
    (like roles), so a list of N documents costs the same handful of queries as one."""
    cache = getattr(user, "_ebakul_workflows", None) if user is not None else None
    if cache is None:
        cache = {}
        if user is not None:
            user._ebakul_workflows = cache
    if key not in cache:
        cache[key] = load_workflow(key)
    return cache[key]


# --- Permission ---------------------------------------------------------------------------
def _in_group(user, name: str | None) -> bool:
    return name is None or roles.has_role(user, name)


def refusal(transition: WorkflowTransition, document, user) -> StrOrPromise | None:
    """Why ``user`` may not take ``transition`` on ``document`` now; None when allowed."""
    params = {"action": transition.label}
    if not transition.enabled:
        return MSG_DISABLED % params
    if user is None:  # the system itself
        if not transition.is_automatic:
            return MSG_LOGIN_REQUIRED
        return _condition_refusal(transition, document)
    if transition.is_automatic:
        return MSG_AUTOMATIC_ONLY % params
    if not user.is_authenticated or not user.is_active:
        return MSG_LOGIN_REQUIRED
    names = getattr(transition, "allowed_group_names", None)
    if names is None:
        names = frozenset(transition.allowed_groups.values_list("name", flat=True))
    by_group = any(roles.has_role(user, n) for n in names)
    owner_group = transition.owner_group.name if transition.owner_group else None
    by_ownership = (
        transition.owner_rule != OwnerRule.NONE
        and documents.owner_user_id(document, transition.owner_rule) == user.pk
        and _in_group(user, owner_group)
    )
    if not (by_group or by_ownership):
        if transition.owner_rule != OwnerRule.NONE and _in_group(user, owner_group):
            return MSG_NOT_YOURS % params
        return MSG_NOT_ALLOWED % params
    if not by_ownership and documents.concerns(document, user):
        # Separation of duties: a group membership (verifier, administrator, superuser) never
        # decides a document about oneself; the owner's own steps (submit, confirm) stay.
        return MSG_CONCERNS_SELF % params
    if not transition.allow_creator and documents.creator_user_id(document) == user.pk:
        return MSG_CREATOR % params
    if by_ownership and documents.concerns_beyond_owner(document, user, transition.owner_rule):
        return MSG_CONCERNS_SELF % params
    return _condition_refusal(transition, document)


def _condition_refusal(transition: WorkflowTransition, document) -> StrOrPromise | None:
    cond_list = getattr(transition, "condition_list", None)
    if cond_list is None:
        cond_list = [(c.predicate, c.params) for c in transition.conditions.all()]
    for predicate, params in cond_list:
        if not conditions.holds(predicate, params, document):
            return MSG_CONDITION % {
                "action": transition.label,
                "condition": conditions.describe(predicate, params),
            }
    return None


# --- Reads --------------------------------------------------------------------------------
def available_actions(*, document, user) -> list[WorkflowTransition]:
    """The actions ``user`` may take on ``document`` in its current state, in display order.
    Each item has ``.code``, ``.label`` and ``.to_state`` (a WorkflowState: ``.code``, ``.label``)."""
    wf = workflow_cached_for(user, documents.document_key(document))
    if wf is None or not wf.definition.active:
        return []
    return [
        t
        for t in wf.outgoing.get(document.status, ())
        if not t.is_automatic and refusal(t, document, user) is None
    ]


def document_history(*, document) -> QuerySet[WorkflowEvent]:
    return WorkflowEvent.objects.filter(
        document_type=documents.document_key(document), object_id=document.pk
    ).select_related("actor")


def state_of(document) -> WorkflowState | None:
    wf = load_workflow(documents.document_key(document))
    return wf.states.get(document.status) if wf else None


def is_editable(document) -> bool:
    """Whether the document's current state lets its owner still edit it."""
    state = state_of(document)
    return bool(state and state.is_editable)


# --- The engine ---------------------------------------------------------------------------
def apply_action(*, document, action: str, actor, comment: str = "", reason=None):
    """Take ``action`` on ``document`` as ``actor``. Locks the row, re-checks state and
    permission on the locked row, writes the event, runs the hooks, follows enabled automatic
    transitions, keeps the verification assignment in step, and notifies after commit.

    ``reason`` is a common reason (a ``RefusalReason`` or its id) of the transition's
    ``reason_kind``; a transition with ``requires_reason`` needs it or a ``comment``.

    Raises ConflictError (changed meanwhile / not possible from this state), PermissionDenied-
    Error (not for this user / creator / condition), DomainError (reason missing or not offered)
    or the compliance app's PeriodLockedError.
    The passed object gets the new status too; the locked, refreshed row is returned."""
    key = documents.document_key(document)
    model = documents.model_for(key)
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=document.pk)
        wf = load_workflow(key)
        if locked.status != document.status:
            label = wf.state_label(locked.status) if wf else locked.status
            raise ConflictError(MSG_CHANGED_MEANWHILE % {"state": label})
        if wf is None or not wf.definition.active:
            raise ConflictError(MSG_NO_WORKFLOW)
        transition = wf.transition(locked.status, action)
        if transition is None:
            raise ConflictError(
                MSG_NOT_FROM_STATE % {"action": action, "state": wf.state_label(locked.status)}
            )
        why_not = refusal(transition, locked, actor)
        if why_not:
            raise PermissionDeniedError(why_not)
        chosen = _chosen_reason(transition, reason)
        if transition.requires_reason and chosen is None and not comment:
            raise DomainError(
                MSG_REASON_REQUIRED % {"action": transition.label}, code="reason_required"
            )
        text = reason_text(chosen, comment)
        first_state = locked.status
        _transit(transition, locked, actor, text, chosen)
        _follow_automatic(wf, locked)
        _sync_assignment(wf, locked, left_state=first_state)
        if locked.status != first_state:
            noted = transition.requires_reason or transition.sets_status_note
            _notify_owner(
                wf, locked, actor, text if noted else "", refusal=transition.requires_reason
            )
    document.status = locked.status
    for name in documents.note_fields(locked):
        setattr(document, name, getattr(locked, name))
    return locked


def _chosen_reason(transition: WorkflowTransition, reason) -> RefusalReason | None:
    """The common reason given with an action, checked against the transition's list."""
    if reason in (None, ""):
        return None
    if not isinstance(reason, RefusalReason):
        reason = RefusalReason.objects.filter(pk=reason if str(reason).isdigit() else 0).first()
    if (
        reason is None
        or not reason.active
        or not transition.reason_kind
        or reason.kind != transition.reason_kind
    ):
        raise DomainError(MSG_REASON_INVALID % {"action": transition.label}, code="reason_invalid")
    return reason


def reason_text(reason: RefusalReason | None, comment: str) -> str:
    """What the person affected reads: the chosen reason, then the free text."""
    comment = (comment or "").strip()
    if reason is None:
        return comment
    return f"{reason.label}: {comment}" if comment else reason.label


def _transit(transition: WorkflowTransition, document, actor, comment: str, reason=None) -> None:
    documents.before_transition(document, transition.code)
    now = timezone.now()
    old = document.status
    document.status = transition.to_state.code
    fields = ["status", "updated_at"]
    if transition.sets_status_note:
        # Which field the note goes to depends on who writes it (docs/adr/0111).
        name = documents.note_field(document, transition)
        setattr(document, name, comment)
        fields.append(name)
    set_history_user(document, actor)
    document.save(update_fields=fields)
    WorkflowEvent.objects.create(
        document_type=documents.document_key(document),
        object_id=document.pk,
        from_state=old,
        to_state=document.status,
        action=transition.code,
        actor=actor,
        comment=comment,
        reason=reason,
    )
    documents.after_transition(document, old=old, new=document.status, at=now)


def _follow_automatic(wf: Compiled, document) -> None:
    for _step in range(MAX_AUTOMATIC_STEPS):
        auto = next(
            (
                t
                for t in wf.outgoing.get(document.status, ())
                if t.is_automatic and refusal(t, document, None) is None
            ),
            None,
        )
        if auto is None:
            return
        try:
            with transaction.atomic():
                _transit(auto, document, None, "")
        except DomainError:
            return  # e.g. the period is locked: the document waits for a person instead


def apply_system_action(*, document, action: str, comment: str = ""):
    """Take ``action`` as the system (no actor), whoever may normally take it: only for replaying
    what a person already did elsewhere (issue 15's import submits the claims it brings, see
    docs/adr/0203). The transition must be enabled, its conditions hold and every
    before-transition hook (the locked period) still runs; the event records no actor."""
    key = documents.document_key(document)
    model = documents.model_for(key)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=document.pk)
        wf = load_workflow(key)
        if wf is None or not wf.definition.active:
            raise ConflictError(MSG_NO_WORKFLOW)
        transition = wf.transition(locked.status, action)
        if transition is None:
            raise ConflictError(
                MSG_NOT_FROM_STATE % {"action": action, "state": wf.state_label(locked.status)}
            )
        if not transition.enabled:
            raise PermissionDeniedError(MSG_DISABLED % {"action": transition.label})
        why_not = _condition_refusal(transition, locked)
        if why_not:
            raise PermissionDeniedError(why_not)
        first_state = locked.status
        _transit(transition, locked, None, (comment or "").strip())
        _follow_automatic(wf, locked)
        _sync_assignment(wf, locked, left_state=first_state)
    document.status = locked.status
    return locked


def follow_automatic(*, document):
    """Follow ``document``'s enabled automatic transitions now, as the system (no actor): for a
    fact one of their before-transition hooks depends on that was recorded after the last action
    (e.g. the integrity app's low-risk route, issue 15). Returns the locked, refreshed row."""
    key = documents.document_key(document)
    model = documents.model_for(key)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=document.pk)
        wf = load_workflow(key)
        if wf is None or not wf.definition.active:
            return locked
        first_state = locked.status
        _follow_automatic(wf, locked)
        if locked.status != first_state:
            _sync_assignment(wf, locked, left_state=first_state)
            _notify_owner(wf, locked, None)
    document.status = locked.status
    return locked


# --- Assignment ---------------------------------------------------------------------------
def _active_assignments(key: str, object_id: int):
    return Assignment.objects.filter(document_type=key, object_id=object_id, active=True)


def assignments_end(*, document_type: str, object_ids) -> int:
    """End the open assignments of many documents at once (one UPDATE); ``object_ids`` may be a
    values() queryset. Used when the documents can no longer be acted on, e.g. their period was
    locked. Returns how many assignments ended."""
    return Assignment.objects.filter(
        document_type=document_type, object_id__in=object_ids, active=True
    ).update(active=False, ended_at=timezone.now())


def _sync_assignment(wf: Compiled, document, left_state: str = "") -> Assignment | None:
    key = documents.document_key(document)
    state = wf.states.get(document.status)
    active = _active_assignments(key, document.pk)
    group_id = wf.definition.assignment_group_id
    if state is None or not state.awaits_verification or group_id is None:
        active.update(active=False, ended_at=timezone.now())
        return None
    current = active.first()
    if current is not None:
        return current  # the same verifier keeps it through consecutive waiting states
    excluded = _deciders(wf, document, left_state)
    assignee = pick_assignee(wf.definition, document, exclude_ids=excluded)
    if assignee is None and excluded:
        assignee, group_id = _admin_fallback(excluded)
    if assignee is None:
        return None
    assignment = Assignment.objects.create(
        document_type=key, object_id=document.pk, assignee=assignee, group_id=group_id
    )
    _notify_assignee(assignment, document)
    return assignment


def _deciders(wf: Compiled, document, left_state: str) -> set[int]:
    """Reopening a final decision (e.g. a contested rejection) goes to somebody else: the
    people who moved the document into the final state it just left (docs/adr/0112)."""
    state = wf.states.get(left_state)
    if state is None or not state.is_final:
        return set()
    return set(
        WorkflowEvent.objects.filter(
            document_type=documents.document_key(document),
            object_id=document.pk,
            to_state=left_state,
            actor__isnull=False,
        ).values_list("actor_id", flat=True)
    )


def _admin_fallback(excluded: set[int]):
    """No other verifier: an active administrator who did not decide it, in the same
    round-robin order. Returns (user, admin group id) or (None, None)."""
    group = Group.objects.filter(name=roles.ADMIN).first()
    if group is None:
        return None, None
    last = Assignment.objects.filter(assignee=OuterRef("pk")).order_by("-id").values("id")[:1]
    admin = (
        get_user_model()
        .objects.filter(groups=group, is_active=True)
        .exclude(pk__in=excluded)
        .annotate(last_assignment=Subquery(last))
        .order_by(F("last_assignment").asc(nulls_first=True), "id")
        .first()
    )
    return (admin, group.pk) if admin else (None, None)


def pick_assignee(definition: WorkflowDefinition, document, exclude_ids=()):
    """Round-robin within the group: the active member whose last assignment in this group is
    oldest (never assigned first). Scoped to the document's work unit or kecamatan when the
    definition says so and a member covers it. ``exclude_ids``: users who may not get it. The
    group row lock serialises concurrent picks."""
    User = get_user_model()
    group_id = cast(int, definition.assignment_group_id)  # only definitions that assign
    Group.objects.select_for_update().filter(pk=group_id).first()
    members = User.objects.filter(groups=group_id, is_active=True)
    if exclude_ids:
        members = members.exclude(pk__in=exclude_ids)
    work_unit_id, kecamatan_id = documents.scope_ids(document)
    scoped = None
    if definition.assignment_scope == AssignmentScope.WORK_UNIT and work_unit_id:
        scoped = members.filter(verifier_scopes__work_unit_id=work_unit_id)
    elif definition.assignment_scope == AssignmentScope.KECAMATAN and kecamatan_id:
        scoped = members.filter(verifier_scopes__kecamatan_id=kecamatan_id)
    if scoped is not None and scoped.exists():
        members = scoped
    last = (
        Assignment.objects.filter(group_id=group_id, assignee=OuterRef("pk"))
        .order_by("-id")
        .values("id")[:1]
    )
    return (
        members.distinct()
        .annotate(last_assignment=Subquery(last))
        .order_by(F("last_assignment").asc(nulls_first=True), "id")
        .first()
    )


def assignment_reassign(*, document, assignee, actor, reason: str = "") -> Assignment:
    """Hand a waiting document to another verifier. Audited as a workflow event."""
    key = documents.document_key(document)
    model = documents.model_for(key)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=document.pk)
        current = _active_assignments(key, locked.pk).select_related("assignee", "group").first()
        if current is None:
            raise ConflictError(MSG_REASSIGN_NOTHING)
        if not (roles.is_admin(actor) or current.assignee_id == actor.pk):
            raise PermissionDeniedError(MSG_REASSIGN_NOT_ALLOWED)
        if assignee.pk == current.assignee_id:
            raise DomainError(MSG_REASSIGN_SAME % {"user": assignee.get_username()})
        if not (assignee.is_active and assignee.groups.filter(pk=current.group_id).exists()):
            raise DomainError(
                MSG_REASSIGN_NOT_MEMBER
                % {"user": assignee.get_username(), "group": current.group.name}
            )
        now = timezone.now()
        Assignment.objects.filter(pk=current.pk).update(active=False, ended_at=now)
        new = Assignment.objects.create(
            document_type=key, object_id=locked.pk, assignee=assignee, group_id=current.group_id
        )
        text = f"{current.assignee.get_username()} → {assignee.get_username()}"
        WorkflowEvent.objects.create(
            document_type=key,
            object_id=locked.pk,
            from_state=locked.status,
            to_state=locked.status,
            action=ACTION_REASSIGN,
            actor=actor,
            comment=f"{text}: {reason.strip()}" if reason.strip() else text,
        )
        _notify_assignee(new, locked)
    return new


# --- Notifications ------------------------------------------------------------------------
def _notify_owner(wf: Compiled, document, actor, reason: str = "", refusal=False) -> None:
    """Tell the person affected; a refusal's notification carries its reason."""
    User = get_user_model()
    for user_id, url in documents.notify_targets(document, refusal=refusal):
        if user_id is None or (actor is not None and user_id == actor.pk):
            continue
        notify(
            user=User(pk=user_id),
            title=_("%(document)s is now “%(state)s”")
            % {"document": str(document), "state": wf.state_label(document.status)},
            body=MSG_NOTIFY_REASON % {"reason": reason} if reason else "",
            url=url,
            kind="workflow",
        )


def _notify_assignee(assignment: Assignment, document) -> None:
    notify(
        user=assignment.assignee,
        title=_("New task: %(document)s") % {"document": str(document)},
        url=documents.desk_url(assignment.document_type, assignment.object_id),
        kind="workflow_task",
    )


# --- Editing definitions -------------------------------------------------------------------
def state_occupancy(state: WorkflowState, code: str | None = None) -> int:
    """How many documents are in ``state`` (by its stored code unless ``code`` is given)."""
    model = documents.model_for(state.workflow.document_type)
    return model.objects.filter(status=code or state.code).count()


def assert_state_removable(state: WorkflowState) -> None:
    count = state_occupancy(state)
    if count:
        raise ConflictError(MSG_STATE_OCCUPIED % {"state": state.label, "count": count})


@transaction.atomic
def state_delete(*, state: WorkflowState, actor) -> None:
    assert_state_removable(state)
    set_history_user(state, actor)
    state.delete()


# --- Soundness of a definition (docs/adr/0150) ---------------------------------------------
def _node(state: WorkflowState) -> graph.Node:
    return graph.Node(state.pk, state.label, state.is_initial, state.is_final)


def _edge(t: WorkflowTransition, groups: set | None = None) -> graph.Edge:
    has_groups = bool(groups) if groups is not None else t.allowed_groups.exists()
    return graph.Edge(
        t.from_state_id,
        t.to_state_id,
        t.label,
        has_role=has_groups or t.owner_rule != OwnerRule.NONE,
        automatic=t.is_automatic,
        enabled=t.enabled,
    )


def workflow_graph(definition: WorkflowDefinition) -> tuple[list, list]:
    """The stored definition as graph nodes and edges (two queries plus one for groups)."""
    states = list(definition.states.order_by("order", "id"))
    transitions = list(
        definition.transitions.prefetch_related("allowed_groups").order_by("order", "id")
    )
    nodes = [_node(s) for s in states]
    edges = [_edge(t, {g.pk for g in t.allowed_groups.all()}) for t in transitions]
    return nodes, edges


def workflow_problems(definition: WorkflowDefinition) -> list[str]:
    return graph.problems(*workflow_graph(definition))


def assert_workflow_sound(definition: WorkflowDefinition) -> None:
    """Refuse (with every problem named, in Indonesian) a definition whose graph is unsound."""
    found = workflow_problems(definition)
    if found:
        raise DomainError(" ".join(str(p) for p in found))


def workflow_diagram(definition: WorkflowDefinition) -> str:
    nodes, edges = workflow_graph(definition)
    return graph.render_svg(nodes, edges, title=definition.name)
