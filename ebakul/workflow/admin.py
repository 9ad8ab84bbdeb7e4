"""Desk for workflows: the editor (definitions with states and transitions), the event log,
assignments with an audited reassign, the "Tugas saya" inbox, and ``WorkflowAdminMixin`` that
gives a document's admin its actions, bulk actions and history."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import StackedInline, TabularInline
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import display

from ebakul.accounts import roles
from ebakul.accounts.desk import desk_has_permission
from ebakul.core.admin_base import (
    ChoicesValueFilter,
    DeskAdmin,
    DeskHistoryAdmin,
    ReadOnlyAdminMixin,
)
from ebakul.core.errors import DomainError
from ebakul.core.money import format_rupiah

from . import documents, graph, selectors, services
from .models import (
    Assignment,
    DocumentType,
    MyTask,
    OwnerRule,
    RefusalReason,
    TransitionCondition,
    VerifierScope,
    WorkflowDefinition,
    WorkflowEvent,
    WorkflowState,
    WorkflowTransition,
)
from .workbench import age_label as workbench_age

MSG_BULK_APPLIED = _("%(action)s: %(count)s document(s) done.")
MSG_BULK_REFUSED = _("%(action)s refused for %(count)s document(s): %(details)s")
MSG_ACTION_DONE = _("%(document)s: “%(action)s” done, now “%(state)s”.")
MSG_REASSIGNED = _("%(document)s is now assigned to %(user)s.")
MSG_ONE_INITIAL = _(
    "A workflow needs exactly one initial state: the state a new document starts in."
)
MSG_ACTION_GONE = _("This action is not open to you on this document now.")


class RefusalForm(forms.Form):
    """The confirmation step of an action that needs a reason: a common reason and/or text.
    Whether one is given is decided by the engine, not here (docs/adr/0110)."""

    reason = forms.ModelChoiceField(
        queryset=RefusalReason.objects.none(),
        required=False,
        label=_("Common reason"),
        empty_label=_("— choose a reason —"),
    )
    comment = forms.CharField(
        label=_("Explanation for the person affected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = RefusalReason.objects.filter(
            kind=transition.reason_kind or "-", active=True
        ).order_by("order", "id")


# --- Document admins: state filter and label, actions, bulk actions, history --------------
class WorkflowStateFilter(ChoicesValueFilter):
    """The status dropdown of a document list: the states of the document's workflow, with the
    workflow's labels and in its order (ADR 0125). Subclasses set ``document_type``."""

    title = _("status")
    parameter_name = "status"
    field_path = "status"
    document_type = ""

    def lookups(self, request, model_admin):
        return selectors.state_choices(self.document_type)


def state_colour(document_type: str, code: str) -> str:
    """The badge colour of a state, from its flags: verified green, waiting amber, editable
    blue, other final states red."""
    state = selectors.workflow_states(document_type).get(code)
    if state is None:
        return ""
    if state.counts_as_verified:
        return "success"
    if state.is_editable:
        return "info"
    if state.is_final:
        return "danger"
    return "warning"


class StateColours(dict):
    """``label=`` of an unfold ``@display``: the colour of any state of the workflow, also one
    an administrator added after the code was written."""

    def __init__(self, document_type: str):
        super().__init__()
        self.document_type = document_type

    def __missing__(self, code):
        return state_colour(self.document_type, code)

    def __bool__(self):
        # Empty until asked, but never "no label": unfold renders the badge only when ``label``
        # is truthy (otherwise the (code, label) tuple would show as text with the raw code).
        return True


def state_badge(document_type: str, code: str) -> tuple[str, str]:
    """(code, label) for an unfold label display with ``StateColours``."""
    return code, selectors.state_label(document_type, code)


class WorkflowAdminMixin:
    """Put in front of a document's ModelAdmin (``class PurchaseAdmin(WorkflowAdminMixin, ...)``).

    * the change page shows the actions the user may take now (buttons posting to
      ``<id>/workflow/``) and the document's complete workflow history;
    * the changelist gets one bulk action per workflow action; each selected document goes
      through the engine on its own and the result is reported per row.
    """

    change_form_outer_before_template = "workflow/admin/actions_panel.html"
    change_form_outer_after_template = "workflow/admin/history_panel.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_action_view),
                name="{}_{}_workflow".format(*info),
            ),
            path(
                "<path:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(self.workflow_confirm_view),
                name="{}_{}_workflow_confirm".format(*info),
            ),
        ] + super().get_urls()

    # Change page ----------------------------------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context.update(self.workflow_context(request, obj))
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, obj) -> dict:
        key = documents.document_key(obj)
        wf = services.load_workflow(key)
        labels = wf.state_label if wf else (lambda code: code)

        def action_label(event) -> str:
            # The transition taken from that state (one code may leave several states).
            if wf is None:
                return event.action
            taken = wf.transition(event.from_state, event.action)
            return taken.label if taken else wf.transition_label(event.action)

        history = [
            {
                "at": e.created_at,
                "actor": e.actor.get_username() if e.actor else _("System"),
                "action": action_label(e),
                "from_state": labels(e.from_state) if e.from_state else "",
                "to_state": labels(e.to_state),
                "comment": e.comment,
            }
            for e in services.document_history(document=obj)
        ]
        assignment = (
            Assignment.objects.filter(document_type=key, object_id=obj.pk, active=True)
            .select_related("assignee")
            .first()
        )
        actions = services.available_actions(document=obj, user=request.user)
        confirm_url = f"admin:{self.opts.app_label}_{self.opts.model_name}_workflow_confirm"
        return {
            "wf_state": obj.status,
            "wf_state_label": labels(obj.status),
            # One click for the others; refusals open a confirmation step with a reason.
            "wf_actions": [t for t in actions if not t.requires_reason],
            "wf_refusals": [
                {"t": t, "url": reverse(confirm_url, args=[obj.pk, t.code])}
                for t in actions
                if t.requires_reason
            ],
            "wf_action_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_workflow", args=[obj.pk]
            ),
            "wf_history": history,
            "wf_assignment": assignment,
            "wf_reassign_url": (
                reverse("admin:workflow_assignment_reassign", args=[assignment.pk])
                if assignment
                else ""
            ),
        }

    def workflow_confirm_view(self, request, object_id, action):
        """The confirmation step of a refusal: the reason chooser, then the engine."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        seen_state = request.POST.get("wf_state", obj.status)
        offered = {t.code: t for t in services.available_actions(document=obj, user=request.user)}
        transition = offered.get(action)
        if transition is None:
            self.message_user(request, MSG_ACTION_GONE, messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = RefusalForm(request.POST or None, transition=transition)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                obj.status = seen_state  # a stale page is refused by the engine
                try:
                    done = services.apply_action(
                        document=obj,
                        action=action,
                        actor=request.user,
                        comment=form.cleaned_data["comment"],
                        reason=form.cleaned_data["reason"],
                    )
                except DomainError as exc:
                    form.add_error(None, str(exc.message))
                else:
                    self._action_done(request, done, transition.label)
                    return HttpResponseRedirect(change_url)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(action)s: %(document)s")
            % {"action": transition.label, "document": str(obj)},
            "form": form,
            "document": obj,
            "transition": transition,
            "wf_state": seen_state,
            "cancel_url": change_url,
        }
        return TemplateResponse(
            request, "workflow/admin/confirm_action.html", context, status=status
        )

    def _action_done(self, request, done, label: str) -> None:
        wf = services.load_workflow(documents.document_key(done))
        self.message_user(
            request,
            MSG_ACTION_DONE
            % {
                "document": str(done),
                "action": label,
                "state": wf.state_label(done.status) if wf else done.status,
            },
            messages.SUCCESS,
        )

    def workflow_action_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        action = request.POST.get("wf_action", "")
        # The state the user saw: if someone moved the document since, the engine says so.
        obj.status = request.POST.get("wf_state", obj.status)
        try:
            done = services.apply_action(
                document=obj,
                action=action,
                actor=request.user,
                comment=request.POST.get("wf_comment", ""),
            )
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
        else:
            wf = services.load_workflow(documents.document_key(done))
            self.message_user(
                request,
                MSG_ACTION_DONE
                % {
                    "document": str(done),
                    "action": wf.transition_label(action) if wf else action,
                    "state": wf.state_label(done.status) if wf else done.status,
                },
                messages.SUCCESS,
            )
        return HttpResponseRedirect(change_url)

    # Bulk actions ---------------------------------------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        wf = services.workflow_cached_for(
            request.user, f"{self.opts.app_label}.{self.opts.model_name}"
        )
        if wf is None:
            return actions
        seen = set()
        for outgoing in wf.outgoing.values():
            for t in outgoing:
                # Refusals need a reason and a confirmation: never a bulk action.
                if t.is_automatic or not t.enabled or t.requires_reason or t.code in seen:
                    continue
                seen.add(t.code)
                name = f"workflow_{t.code}"
                actions[name] = (
                    self._bulk_action(t.code, t.label),
                    name,
                    _("Workflow: %(action)s") % {"action": t.label},
                )
        return actions

    def _bulk_action(self, code: str, label: str):
        def bulk(modeladmin, request, queryset):
            modeladmin.workflow_bulk_apply(request, queryset, code, label)

        bulk.__name__ = f"workflow_{code}"
        return bulk

    def workflow_bulk_apply(self, request, queryset, code: str, label: str) -> dict:
        """Each document goes through the engine on its own (own transaction, own lock), so
        one refusal never blocks or undoes the others."""
        done, refused = [], []
        for obj in queryset.order_by("pk"):
            try:
                services.apply_action(document=obj, action=code, actor=request.user)
            except DomainError as exc:
                refused.append((str(obj), str(exc.message)))
            else:
                done.append(str(obj))
        if done:
            self.message_user(
                request,
                MSG_BULK_APPLIED % {"action": label, "count": len(done)},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                MSG_BULK_REFUSED
                % {
                    "action": label,
                    "count": len(refused),
                    "details": "; ".join(f"{doc}: {why}" for doc, why in refused),
                },
                messages.WARNING,
            )
        return {"done": done, "refused": refused}


# --- The editor ---------------------------------------------------------------------------
class StateInlineFormSet(BaseInlineFormSet):
    """Removing or renaming a state that documents occupy is refused with a clear message."""

    def clean(self):
        super().clean()
        kept = [
            f
            for f in self.forms
            if hasattr(f, "cleaned_data")
            and f.cleaned_data
            and not (self.can_delete and self._should_delete_form(f))
        ]
        if kept and sum(1 for f in kept if f.cleaned_data.get("is_initial")) != 1:
            raise ValidationError(MSG_ONE_INITIAL)
        for form in self.forms:
            state = form.instance
            if not state.pk or not hasattr(form, "cleaned_data"):
                continue
            deleting = self.can_delete and self._should_delete_form(form)
            renaming = "code" in form.changed_data
            if not (deleting or renaming):
                continue
            old = WorkflowState.objects.select_related("workflow").get(pk=state.pk)
            count = services.state_occupancy(old)
            if count:
                raise ValidationError(
                    services.MSG_STATE_OCCUPIED % {"state": old.label, "count": count}
                )
        self._check_graph()

    def _check_graph(self):
        """The states as typed, with the stored transitions, must form a sound graph."""
        kept, gone = [], set()
        for i, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data:
                continue
            if self.can_delete and self._should_delete_form(form):
                gone.add(form.instance.pk)
                continue
            kept.append(
                graph.Node(
                    form.instance.pk or f"new-{i}",
                    data.get("label") or "",
                    bool(data.get("is_initial")),
                    bool(data.get("is_final")),
                )
            )
        if not kept or self.instance.pk is None:
            return
        _nodes, edges = services.workflow_graph(self.instance)
        edges = [e for e in edges if e.source not in gone and e.target not in gone]
        found = graph.problems(kept, edges)
        if found:
            raise ValidationError(found)


class StateInline(TabularInline):
    model = WorkflowState
    formset = StateInlineFormSet
    extra = 0
    fields = (
        "order",
        "code",
        "label",
        "is_initial",
        "is_final",
        "is_editable",
        "awaits_verification",
        "counts_as_pending",
        "counts_as_verified",
    )


class TransitionInlineFormSet(BaseInlineFormSet):
    """The transitions as typed, with the stored states, must form a sound graph."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        edges = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            source, target = data.get("from_state"), data.get("to_state")
            if source is None or target is None:
                continue
            edges.append(
                graph.Edge(
                    source.pk,
                    target.pk,
                    data.get("label") or "",
                    has_role=bool(data.get("allowed_groups"))
                    or data.get("owner_rule", OwnerRule.NONE) != OwnerRule.NONE,
                    automatic=bool(data.get("is_automatic")),
                    enabled=bool(data.get("enabled")),
                )
            )
        nodes, _edges = services.workflow_graph(self.instance)
        found = graph.problems(nodes, edges)
        if found:
            raise ValidationError(found)


# One switch per line: side by side, a switch's help text ran under its neighbour's label and
# field (issue 13: help text must not overlap fields; tests/e2e/test_editor_and_buttons.py).
TRANSITION_SWITCHES = (
    "allow_creator",
    "is_automatic",
    "enabled",
    "sets_status_note",
    "is_submit",
    ("requires_reason", "reason_kind"),
)


class TransitionInline(StackedInline):
    model = WorkflowTransition
    formset = TransitionInlineFormSet
    extra = 0
    show_change_link = True
    fields = (
        ("code", "label", "order"),
        ("from_state", "to_state"),
        "allowed_groups",
        ("owner_rule", "owner_group"),
        *TRANSITION_SWITCHES,
    )
    filter_horizontal = ("allowed_groups",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("from_state", "to_state"):
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = WorkflowState.objects.filter(workflow_id=object_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(DeskHistoryAdmin):
    list_display = ("name", "document_type", "active", "assignment_group", "assignment_scope")
    fields = ("name", "document_type", "active", "assignment_group", "assignment_scope")
    inlines = (StateInline, TransitionInline)
    change_form_outer_before_template = "workflow/admin/definition_steps.html"

    # The editor as short pages (docs/adr/0150): ?langkah=status shows only the states,
    # ?langkah=transisi only the transitions, ?langkah=syarat the conditions per transition;
    # the first page holds the general fields and the diagram.
    STEPS = (
        ("umum", _("General and diagram")),
        ("status", _("States")),
        ("transisi", _("Transitions")),
        ("syarat", _("Conditions")),
    )

    def _step(self, request) -> str:
        step = request.GET.get("langkah", "umum")
        return step if step in dict(self.STEPS) else "umum"

    def get_inlines(self, request, obj):
        if obj is None:
            return ()
        step = self._step(request)
        return {"status": (StateInline,), "transisi": (TransitionInline,)}.get(step, ())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        definition = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if definition is not None:
            step = self._step(request)
            extra.update(
                wf_step=step,
                wf_steps=self.STEPS,
                wf_problems=services.workflow_problems(definition),
                wf_diagram=mark_safe(services.workflow_diagram(definition)),  # noqa: S308
                wf_transitions=(
                    definition.transitions.select_related("from_state", "to_state")
                    .prefetch_related("conditions")
                    .order_by("order", "id")
                    if step == "syarat"
                    else ()
                ),
            )
        return super().change_view(request, object_id, form_url, extra)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        step = self._step(request)
        if "_continue" in request.POST and step != "umum":
            return HttpResponseRedirect(f"{request.path}?langkah={step}")
        return response

    def get_readonly_fields(self, request, obj=None):
        return ("document_type",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # documents always need their workflow; switch it off instead


class ConditionForm(forms.ModelForm):
    class Meta:
        model = TransitionCondition
        fields = ("predicate", "params")
        help_texts = {
            "params": _(
                'JSON, e.g. {"amount": 500000} for an amount, {"score": 30} for a risk score, '
                '{"methods": ["qris"]} for payment methods, {} when there is none.'
            )
        }


class ConditionInline(TabularInline):
    model = TransitionCondition
    form = ConditionForm
    extra = 0


@admin.register(WorkflowTransition)
class WorkflowTransitionAdmin(DeskHistoryAdmin):
    list_display = ("label", "code", "workflow", "from_state", "to_state", "enabled")
    list_filter = ("workflow", "enabled", "is_automatic")
    list_select_related = ("workflow", "from_state", "to_state")
    inlines = (ConditionInline,)
    filter_horizontal = ("allowed_groups",)
    fields = (
        "workflow",
        ("code", "label", "order"),
        ("from_state", "to_state"),
        "allowed_groups",
        ("owner_rule", "owner_group"),
        *TRANSITION_SWITCHES,
    )

    def get_readonly_fields(self, request, obj=None):
        return ("workflow",) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("from_state", "to_state"):
            object_id = request.resolver_match.kwargs.get("object_id")
            transition = WorkflowTransition.objects.filter(pk=object_id).first()
            if transition:
                kwargs["queryset"] = WorkflowState.objects.filter(
                    workflow_id=transition.workflow_id
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RefusalReason)
class RefusalReasonAdmin(DeskHistoryAdmin):
    """The common reasons offered when refusing (policy as data): edit, reorder, switch off."""

    list_display = ("label", "kind", "active", "order")
    list_filter = ("kind", "active")
    list_editable = ("active", "order")
    search_fields = ("label",)
    ordering = ("kind", "order", "id")

    def has_delete_permission(self, request, obj=None):
        return False  # used in the history of decisions: switch it off instead


@admin.register(VerifierScope)
class VerifierScopeAdmin(DeskAdmin):
    list_display = ("user", "work_unit", "kecamatan")
    list_select_related = ("user", "work_unit", "kecamatan")
    autocomplete_fields = ("user",)


# --- Audit log ----------------------------------------------------------------------------
def _document_link(document_type: str, object_id: int, text: str):
    url = documents.desk_url(document_type, object_id)
    return format_html('<a href="{}">{}</a>', url, text) if url else text


class EventActionFilter(ChoicesValueFilter):
    """Actions by their labels (the codes are free text: workflows may add actions)."""

    title = _("action")
    parameter_name = "action"
    field_path = "action"

    def lookups(self, request, model_admin):
        labels: dict[str, str] = {}
        for (_doc_type, code), label in selectors.action_labels().items():
            labels.setdefault(code, label)
        return sorted(labels.items(), key=lambda item: str(item[1]))


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ReadOnlyAdminMixin, DeskAdmin):
    # States and actions by their labels, never their codes (issue 13).
    list_display = (
        "created_at",
        "document",
        "action_label",
        "from_label",
        "to_label",
        "actor",
        "reason",
        "comment",
    )
    fields = list_display
    readonly_fields = list_display
    # A date range, not ``date_hierarchy``: the hierarchy converts time zones in SQL, which needs
    # MariaDB's time zone tables and answered 500 without them.
    list_filter = (
        "document_type",
        EventActionFilter,
        "reason",
        ("created_at", RangeDateTimeFilter),
    )
    search_fields = ("actor__username", "comment", "=object_id")
    list_select_related = ("actor", "reason")

    @display(description=_("document"))
    def document(self, obj):
        return _document_link(
            obj.document_type, obj.object_id, f"{obj.get_document_type_display()} #{obj.object_id}"
        )

    def get_queryset(self, request):
        return selectors.events_labelled(super().get_queryset(request))

    @display(description=_("action"))
    def action_label(self, obj):
        return obj.action_label or obj.action

    @display(description=_("from state"))
    def from_label(self, obj):
        return obj.from_label or obj.from_state or "-"

    @display(description=_("to state"))
    def to_label(self, obj):
        return obj.to_label or obj.to_state


# --- Assignments and "Tugas saya" ---------------------------------------------------------
class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label=_("new assignee"))
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.reassign_candidates(assignment)


class AssignmentAdminBase(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("document", "document_state", "assignee", "group", "assigned_at", "active")
    list_filter = ("document_type", "active")

    def get_queryset(self, request):
        return selectors.assignments_annotated(super().get_queryset(request))

    def _labels(self, request):
        if not hasattr(request, "_wf_state_labels"):
            request._wf_state_labels = selectors.state_labels()
        return request._wf_state_labels

    @display(description=_("document"))
    def document(self, obj):
        if obj.document_type == DocumentType.MERCHANT:
            text = f"{obj.merchant_number} – {obj.merchant_name}"
        else:
            text = obj.purchase_number or f"#{obj.object_id}"
        return _document_link(obj.document_type, obj.object_id, text)

    @display(description=_("state"))
    def document_state(self, obj):
        status = (
            obj.merchant_status
            if obj.document_type == DocumentType.MERCHANT
            else obj.purchase_status
        )
        return self._labels(self.request).get((obj.document_type, status), status)

    def changelist_view(self, request, extra_context=None):
        self.request = request
        return super().changelist_view(request, extra_context)


@admin.register(Assignment)
class AssignmentAdmin(AssignmentAdminBase):
    search_fields = ("assignee__username", "=object_id")
    list_select_related = ("assignee", "group")

    def get_urls(self):
        return [
            path(
                "<int:assignment_id>/reassign/",
                self.admin_site.admin_view(self.reassign_view),
                name="workflow_assignment_reassign",
            )
        ] + super().get_urls()

    def reassign_view(self, request, assignment_id):
        assignment = get_object_or_404(
            Assignment.objects.select_related("assignee", "group"), pk=assignment_id, active=True
        )
        if not (roles.is_admin(request.user) or assignment.assignee_id == request.user.pk):
            raise PermissionDenied
        model = documents.model_for(assignment.document_type)
        document = get_object_or_404(model, pk=assignment.object_id)
        form = ReassignForm(request.POST or None, assignment=assignment)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.assignment_reassign(
                    document=document,
                    assignee=form.cleaned_data["assignee"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                self.message_user(
                    request,
                    MSG_REASSIGNED
                    % {"document": str(document), "user": new.assignee.get_username()},
                    messages.SUCCESS,
                )
                url = documents.desk_url(assignment.document_type, assignment.object_id)
                return HttpResponseRedirect(url or reverse("admin:workflow_mytask_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reassign %(document)s") % {"document": str(document)},
            "form": form,
            "assignment": assignment,
            "document": document,
        }
        return TemplateResponse(request, "workflow/admin/reassign.html", context)


class TaskStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        labels = selectors.state_labels()
        waiting = (
            selectors.worklist(request.user)
            .values_list("document_type", "wl_status")
            .distinct()
            .order_by()
        )
        return [(f"{d}:{code}", labels.get((d, code), code)) for d, code in waiting]

    def queryset(self, request, queryset):
        if not self.value() or ":" not in self.value():
            return queryset
        doc_type, code = self.value().split(":", 1)
        return queryset.filter(document_type=doc_type, wl_status=code)


class TaskUnitFilter(admin.SimpleListFilter):
    title = _("work unit")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in selectors.worklist(request.user)
            .exclude(wl_unit_id=None)
            .values_list("wl_unit_id", "wl_unit")
            .distinct()
            .order_by("wl_unit")
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(wl_unit_id=int(self.value()))
        return queryset


class TaskAgeFilter(admin.SimpleListFilter):
    title = _("waiting for")
    parameter_name = "age"
    BANDS = {
        "d1": (None, 1),
        "d3": (1, 3),
        "d7": (3, 7),
        "old": (7, None),
    }

    def lookups(self, request, model_admin):
        return [
            ("d1", _("less than a day")),
            ("d3", _("1 to 3 days")),
            ("d7", _("3 to 7 days")),
            ("old", _("more than 7 days")),
        ]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        now = timezone.now()
        newer, older = band
        if newer is not None:
            queryset = queryset.filter(assigned_at__lte=now - dt.timedelta(days=newer))
        if older is not None:
            queryset = queryset.filter(assigned_at__gt=now - dt.timedelta(days=older))
        return queryset


@admin.register(MyTask)
class MyTaskAdmin(AssignmentAdminBase):
    """ "Tugas saya" as a work list (docs/adr/0142): what is waiting for me, searchable,
    filterable and sortable, with counts per document type."""

    list_display = (
        "document",
        "employee",
        "unit",
        "merchant",
        "amount",
        "purchased",
        "age",
        "document_state",
        "review",
    )
    list_filter = ("document_type", TaskStateFilter, TaskUnitFilter, TaskAgeFilter)
    search_fields = ("=object_id",)  # shows the box; the search itself is the selector's
    search_help_text = _("NIP, name, document number or merchant")
    list_before_template = "workflow/admin/my_task_counts.html"
    list_display_links = None
    list_per_page = 50
    ordering = ("assigned_at", "id")

    def get_queryset(self, request):
        return selectors.worklist(request.user)

    def get_search_results(self, request, queryset, search_term):
        return selectors.worklist_search(queryset, search_term), False

    def has_module_permission(self, request):
        return desk_has_permission(request)

    def has_view_permission(self, request, obj=None):
        return desk_has_permission(request)

    @display(description=_("document"), ordering="wl_number")
    def document(self, obj):
        return _document_link(obj.document_type, obj.object_id, obj.wl_number or obj.object_id)

    @display(description=_("state"), ordering="wl_status")
    def document_state(self, obj):
        return self._labels(self.request).get((obj.document_type, obj.wl_status), obj.wl_status)

    @display(description=_("employee"), ordering="wl_employee")
    def employee(self, obj):
        if not obj.wl_employee:
            return "-"
        return f"{obj.wl_employee} ({obj.wl_nip})"

    @display(description=_("work unit"), ordering="wl_unit")
    def unit(self, obj):
        return obj.wl_unit or "-"

    @display(description=_("merchant"), ordering="wl_merchant")
    def merchant(self, obj):
        return obj.wl_merchant or "-"

    @display(description=_("amount"), ordering="wl_amount")
    def amount(self, obj):
        return format_rupiah(obj.wl_amount) if obj.wl_amount is not None else "-"

    @display(description=_("purchase date"), ordering="wl_purchased_at")
    def purchased(self, obj):
        if obj.wl_purchased_at is None:
            return "-"
        return date_format(timezone.localtime(obj.wl_purchased_at), "j M Y H.i")

    @display(description=_("waiting for"), ordering="assigned_at")
    def age(self, obj):
        return workbench_age(obj.assigned_at)

    @display(description=_("review"))
    def review(self, obj):
        from .workbench import SLUG_OF

        slug = SLUG_OF.get(obj.document_type)
        if slug is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("workbench:task", args=[slug, obj.object_id]),
            _("Review it"),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "wf_task_counts": selectors.task_counts(request.user),
            "wf_workbench_url": reverse("workbench:start"),
        }
        return super().changelist_view(request, extra_context)
