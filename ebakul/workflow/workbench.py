"""The review workbench at ``/desk/tinjau/`` (docs/adr/0141): one task at a time, the receipt
large beside the claim, keyboard actions, the next task opening after each decision, an undo
within the grace period and a queue bar. Reads are the selectors below; every write goes through
the workflow engine (``services.apply_action``) or ``undo.undo_last``."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ebakul.core.errors import DomainError
from ebakul.core.money import format_rupiah

from . import documents, review, services, undo
from .models import Assignment, DocumentType, RefusalReason, WorkflowEvent

SLUGS = {"pembelian": DocumentType.PURCHASE, "penjual": DocumentType.MERCHANT}
SLUG_OF = {v: k for k, v in SLUGS.items()}  # the workflow documents (the work list's links)
SESSION_SKIPPED = "workbench_skipped"
# Keyboard shortcuts by action code; other actions get no key but still a button.
SHORTCUTS = {"verify": "V", "reject": "T", "request_fix": "P"}

MSG_DONE = _("%(document)s: “%(action)s” done, now “%(state)s”.")
MSG_UNDONE = _("%(document)s is back to “%(state)s”.")
MSG_NOT_ASSIGNED = _("This task is not in your queue.")


# --- Selectors ----------------------------------------------------------------------------
def queue(user):
    """The user's waiting purchase and merchant tasks, oldest first."""
    return Assignment.objects.filter(assignee=user, active=True).order_by("assigned_at", "id")


QUEUE_READ = 1000


class Task(NamedTuple):
    document_type: str
    object_id: int
    assigned_at: dt.datetime


def queue_rows(user) -> list[Task]:
    """The waiting tasks, oldest first, read once per request: the user's workflow assignments
    (one query; at most ``QUEUE_READ``, far more than a verifier's day) and what each
    registered review kind has waiting for them (the appeals)."""
    cached = getattr(user, "_ebakul_queue", None)
    if cached is None:
        cached = [
            Task(*row)
            for row in queue(user).values_list("document_type", "object_id", "assigned_at")[
                :QUEUE_READ
            ]
        ]
        for kind in review.kinds():
            cached += [Task(kind.key, pk, since) for pk, since in kind.waiting(user)]
        cached.sort(key=lambda t: t.assigned_at)
        user._ebakul_queue = cached
    return cached


def _slugs() -> dict[str, str]:
    """URL slug -> document type key, the registered review kinds included."""
    return {**SLUGS, **{k.slug: k.key for k in review.kinds()}}


def _slug_of(key: str) -> str:
    return {v: k for k, v in _slugs().items()}[key]


def forget_queue(user) -> None:
    user.__dict__.pop("_ebakul_queue", None)


def queue_bar(user) -> dict:
    """How many left, decisions today, the oldest task's age."""
    rows = queue_rows(user)
    left = len(rows)
    if sum(1 for r in rows if review.kind_for(r.document_type) is None) >= QUEUE_READ:
        left += queue(user).count() - QUEUE_READ  # more assignments than one read holds
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    done = (
        WorkflowEvent.objects.filter(actor=user, created_at__gte=start)
        .exclude(action__in=[undo.ACTION_UNDO, services.ACTION_REASSIGN])
        .exclude(from_state="")
        .count()
    )
    oldest = rows[0].assigned_at if rows else None
    return {"left": left, "done_today": done, "oldest_age": age_label(oldest)}


def age_label(since) -> str:
    if since is None:
        return "-"
    delta = timezone.now() - since
    if delta < dt.timedelta(hours=1):
        return _("%(n)s min") % {"n": max(int(delta.total_seconds() // 60), 0)}
    if delta < dt.timedelta(days=1):
        return _("%(n)s h") % {"n": int(delta.total_seconds() // 3600)}
    return _("%(n)s d") % {"n": delta.days}


def next_task(user, *, after: tuple[str, int] | None = None, skipped=()) -> Task | None:
    """The first waiting task that is not ``after`` and not skipped; skipped ones come last."""
    tasks = [t for t in queue_rows(user) if (t.document_type, t.object_id) != after]
    fresh = [t for t in tasks if f"{t.document_type}:{t.object_id}" not in skipped]
    return (fresh or tasks or [None])[0]


def in_queue(user, key: str, pk: int) -> bool:
    return any(t.document_type == key and t.object_id == pk for t in queue_rows(user))


def purchase_for_review(pk: int):
    # The model through the document registry: workflow imports no domain app (ADR 0121).
    Purchase = documents.model_for(DocumentType.PURCHASE)
    return get_object_or_404(
        Purchase.objects.select_related(
            "employee__work_unit", "merchant__kecamatan", "category", "created_by"
        ),
        pk=pk,
    )


def other_purchases(purchase, limit: int = 10):
    """This employee's other purchases at the same merchant, newest first."""
    Purchase = documents.model_for(DocumentType.PURCHASE)
    return (
        Purchase.objects.filter(employee_id=purchase.employee_id, merchant_id=purchase.merchant_id)
        .exclude(pk=purchase.pk)
        .order_by("-purchased_at")
        .only("id", "document_number", "purchased_at", "amount", "status")[:limit]
    )


# --- Views --------------------------------------------------------------------------------
def _task_url(document_type: str, object_id: int) -> str:
    return reverse("workbench:task", args=[_slug_of(document_type), object_id])


def _skipped(request) -> list[str]:
    return list(request.session.get(SESSION_SKIPPED, []))


def start(request):
    """Open the oldest waiting task, or an empty page saying there is nothing to do."""
    task = next_task(request.user, skipped=_skipped(request))
    if task is not None:
        return HttpResponseRedirect(_task_url(task.document_type, task.object_id))
    context = {
        **admin.site.each_context(request),
        "title": _("Review workbench"),
        "bar": queue_bar(request.user),
        "empty": True,
        **last_undo(request),
    }
    return TemplateResponse(request, "workflow/workbench/task.html", context)


def _document(key: str, pk: int, user):
    kind = review.kind_for(key)
    if kind is not None:
        found = kind.load(pk, user)
        if found is None:
            raise Http404
        return found
    if key == DocumentType.PURCHASE:
        return purchase_for_review(pk)
    model = documents.model_for(key)
    return get_object_or_404(model.objects.select_related("kecamatan", "category"), pk=pk)


def _key(slug: str) -> str:
    key = _slugs().get(slug)
    if key is None:
        raise Http404
    return key


def _reason_buttons(actions) -> list[dict]:
    reasons_by_kind: dict[str, list] = {}
    for t in actions:
        if t.reason_kind and t.reason_kind not in reasons_by_kind:
            reasons_by_kind[t.reason_kind] = list(
                RefusalReason.objects.filter(kind=t.reason_kind, active=True).order_by(
                    "order", "id"
                )
            )
    return [
        {
            "code": t.code,
            "label": t.label,
            "key": SHORTCUTS.get(t.code, ""),
            "needs_reason": t.requires_reason,
            "reasons": reasons_by_kind.get(t.reason_kind, []),
            "danger": t.requires_reason,
        }
        for t in actions
    ]


def _purchase_claim(purchase, user) -> dict:
    return {"amount": format_rupiah(purchase.amount)}


def _purchase_others(purchase, user) -> dict:
    wf = services.workflow_cached_for(user, DocumentType.PURCHASE)
    return {
        "others": [
            {
                "number": p.document_number,
                "at": p.purchased_at,
                "amount": format_rupiah(p.amount),
                "state": wf.state_label(p.status) if wf else p.status,
            }
            for p in other_purchases(purchase)
        ]
    }


# The workbench's own side panels; other apps add theirs with ``review.add_panel``.
review.add_panel(
    DocumentType.PURCHASE, "workflow/workbench/panels/purchase_claim.html", _purchase_claim
)
review.add_panel(
    DocumentType.PURCHASE, "workflow/workbench/panels/purchase_others.html", _purchase_others
)
review.add_panel(DocumentType.MERCHANT, "workflow/workbench/panels/merchant_status.html")

DOCUMENT_TEMPLATES = {
    DocumentType.PURCHASE: "workflow/workbench/doc_purchase.html",
    DocumentType.MERCHANT: "workflow/workbench/doc_merchant.html",
}
DOCUMENT_LABELS = {
    DocumentType.PURCHASE: _("Receipt"),
    DocumentType.MERCHANT: _("The merchant's documents"),
}


def _common_context(request, key: str, slug: str, pk: int, document) -> dict:
    following = next_task(request.user, after=(key, pk), skipped=_skipped(request))
    return {
        **admin.site.each_context(request),
        "title": _("Review workbench"),
        "bar": queue_bar(request.user),
        "document": document,
        "slug": slug,
        "panels": review.panels_for(key, document, request.user),
        "next_url": _task_url(following.document_type, following.object_id)
        if following
        else reverse("workbench:start"),
        "skip_url": reverse("workbench:skip", args=[slug, pk]),
        **last_undo(request),
    }


def _kind_task(request, kind: review.ReviewKind, slug: str, pk: int):
    """A task of a registered review kind (an appeal): its document, panels and actions."""
    document = _document(kind.key, pk, request.user)
    if not in_queue(request.user, kind.key, pk):
        raise PermissionDenied(MSG_NOT_ASSIGNED)
    context = {
        **_common_context(request, kind.key, slug, pk, document),
        "doc_template": kind.document_template,
        "actions_template": kind.actions_template,
        **kind.context(document, request.user),
    }
    return TemplateResponse(request, "workflow/workbench/task.html", context)


def task(request, slug: str, pk: int):
    key = _key(slug)
    kind = review.kind_for(key)
    if kind is not None:
        return _kind_task(request, kind, slug, pk)
    user = request.user
    document = _document(key, pk, user)
    assigned = in_queue(user, key, pk)
    event = undo.undoable(document, user)
    if not assigned and event is None:
        # Only one's own waiting tasks (or the decision one may still undo) open here.
        raise PermissionDenied(MSG_NOT_ASSIGNED)
    wf = services.workflow_cached_for(user, key)  # the same compiled workflow as the actions'
    actions = services.available_actions(document=document, user=user) if assigned else []
    context = {
        **_common_context(request, key, slug, pk, document),
        "doc_template": DOCUMENT_TEMPLATES[key],
        "doc_label": DOCUMENT_LABELS[key],
        "actions_template": "workflow/workbench/actions_workflow.html",
        "state_label": wf.state_label(document.status) if wf else document.status,
        "buttons": _reason_buttons(actions),
        "undo_event": event,
        "undo_seconds": int(undo.GRACE.total_seconds()),
        "desk_url": documents.desk_url(key, pk),
    }
    if key == DocumentType.PURCHASE and document.receipt:
        context["receipt_url"] = reverse("portal:receipt", args=[document.pk])
    return TemplateResponse(request, "workflow/workbench/task.html", context)


def _after_decision(request, key: str, pk: int):
    forget_queue(request.user)
    task = next_task(request.user, after=(key, pk), skipped=_skipped(request))
    if task is None:
        return HttpResponseRedirect(reverse("workbench:start"))
    return HttpResponseRedirect(_task_url(task.document_type, task.object_id))


def _kind_act(request, kind: review.ReviewKind, pk: int):
    document = _document(kind.key, pk, request.user)
    if not in_queue(request.user, kind.key, pk):
        raise PermissionDenied(MSG_NOT_ASSIGNED)
    try:
        message = kind.decide(document, request.user, request.POST)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(_task_url(kind.key, pk))
    messages.success(request, message)
    return _after_decision(request, kind.key, pk)


@require_POST
def act(request, slug: str, pk: int):
    key = _key(slug)
    kind = review.kind_for(key)
    if kind is not None:
        return _kind_act(request, kind, pk)
    document = _document(key, pk, request.user)
    if not in_queue(request.user, key, pk):
        raise PermissionDenied(MSG_NOT_ASSIGNED)
    action = request.POST.get("action", "")
    from_state = document.status
    try:
        services.apply_action(
            document=document,
            action=action,
            actor=request.user,
            reason=request.POST.get("reason") or None,
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(_task_url(key, pk))
    wf = services.load_workflow(key)
    taken = wf.transition(from_state, action) if wf else None
    messages.success(
        request,
        MSG_DONE
        % {
            "document": str(document),
            "action": taken.label if taken else action,
            "state": wf.state_label(document.status) if wf else document.status,
        },
    )
    request.session["workbench_last"] = [slug, pk]
    return _after_decision(request, key, pk)


@require_POST
def undo_view(request, slug: str, pk: int):
    key = SLUGS.get(slug)  # an undo is a reverse transition: workflow documents only
    if key is None:
        raise Http404
    document = _document(key, pk, request.user)
    try:
        undo.undo_last(document=document, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("workbench:start"))
    wf = services.load_workflow(key)
    messages.success(
        request,
        MSG_UNDONE
        % {
            "document": str(document),
            "state": wf.state_label(document.status) if wf else document.status,
        },
    )
    request.session.pop("workbench_last", None)
    return HttpResponseRedirect(_task_url(key, pk))


@require_POST
def skip(request, slug: str, pk: int):
    key = _key(slug)
    skipped = _skipped(request)
    marker = f"{key}:{pk}"
    if marker not in skipped:
        skipped.append(marker)
    request.session[SESSION_SKIPPED] = skipped[-500:]
    task = next_task(request.user, after=(key, pk), skipped=skipped)
    if task is None:
        return HttpResponseRedirect(reverse("workbench:start"))
    return HttpResponseRedirect(_task_url(task.document_type, task.object_id))


def last_undo(request) -> dict:
    """The decision the user may still undo (for the task page's undo bar)."""
    last = request.session.get("workbench_last")
    if not last:
        return {}
    key = SLUGS.get(last[0])
    if key is None:
        return {}
    model = documents.model_for(key)
    document = model.objects.filter(pk=last[1]).first()
    if document is None or undo.undoable(document, request.user) is None:
        return {}
    return {
        "undo_url": reverse("workbench:undo", args=last),
        "undo_document": str(document),
    }


def _wrap(view):
    return admin.site.admin_view(view)


app_name = "workbench"
urlpatterns = [
    path("", _wrap(start), name="start"),
    path("<slug:slug>/<int:pk>/", _wrap(task), name="task"),
    path("<slug:slug>/<int:pk>/aksi/", _wrap(act), name="act"),
    path("<slug:slug>/<int:pk>/lewati/", _wrap(skip), name="skip"),
    path("<slug:slug>/<int:pk>/batalkan/", _wrap(undo_view), name="undo"),
]
