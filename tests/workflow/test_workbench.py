"""The review workbench (docs/adr/0141) and the undo of a decision (docs/adr/0140): the undo is a
reverse transition of the engine, only for the person who decided, within the grace period,
audited; the workbench opens only one's own tasks and goes through the engine."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ebakul.core.errors import ConflictError, PermissionDeniedError
from ebakul.purchases.models import Purchase
from ebakul.workflow import services as wf
from ebakul.workflow import undo
from ebakul.workflow.models import Assignment, RefusalReason, WorkflowEvent
from tests.clock import travel


def _waiting(world, **kwargs):
    """A purchase the merchant confirmed: assigned to a verifier by the engine."""
    purchase = world.purchase(status="submitted", **kwargs)
    wf.apply_action(document=purchase, action="confirm", actor=world.merchant_owner)
    return Purchase.objects.get(pk=purchase.pk)


def _assignee(purchase):
    return Assignment.objects.get(
        document_type="purchases.purchase", object_id=purchase.pk, active=True
    ).assignee


def _reason():
    return RefusalReason.objects.filter(kind="purchase_reject", active=True).first()


def test_undo_reverses_a_rejection_restores_the_note_and_the_task_and_is_audited(world):
    purchase = _waiting(world)
    verifier = _assignee(purchase)
    wf.apply_action(
        document=purchase, action="reject", actor=verifier, reason=_reason(), comment="buram"
    )
    purchase.refresh_from_db()
    assert purchase.status == "rejected" and purchase.decision_reason
    assert not Assignment.objects.filter(object_id=purchase.pk, active=True).exists()

    undo.undo_last(document=purchase, actor=verifier)

    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"
    assert purchase.decision_reason == ""
    assert _assignee(purchase) == verifier
    last = WorkflowEvent.objects.filter(object_id=purchase.pk).order_by("-id").first()
    assert (last.action, last.from_state, last.to_state, last.actor) == (
        "undo",
        "rejected",
        "merchant_confirmed",
        verifier,
    )
    # The decision's own event stays in the append-only log.
    assert WorkflowEvent.objects.filter(object_id=purchase.pk, action="reject").count() == 1
    # Nothing left to undo: an undo is not undone.
    with pytest.raises(ConflictError):
        undo.undo_last(document=purchase, actor=verifier)


def test_only_the_person_who_decided_may_undo(world):
    purchase = _waiting(world)
    verifier = _assignee(purchase)
    wf.apply_action(document=purchase, action="verify", actor=verifier)
    other = world.admin if verifier != world.admin else world.verifier
    with pytest.raises(PermissionDeniedError) as exc, translation.override("id"):
        undo.undo_last(document=purchase, actor=other)
    assert str(exc.value.message)
    purchase.refresh_from_db()
    assert purchase.status == "verified"
    assert not WorkflowEvent.objects.filter(object_id=purchase.pk, action="undo").exists()


def test_undo_after_the_grace_period_is_refused(world):
    purchase = _waiting(world)
    verifier = _assignee(purchase)
    wf.apply_action(document=purchase, action="verify", actor=verifier)
    later = timezone.now() + undo.GRACE + dt.timedelta(seconds=2)
    with travel(later, tick=False), pytest.raises(ConflictError):
        undo.undo_last(document=purchase, actor=verifier)
    purchase.refresh_from_db()
    assert purchase.status == "verified"
    # Within the grace period it works.
    undo.undo_last(document=purchase, actor=verifier)
    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"


def test_undo_is_refused_when_somebody_acted_after_the_decision(world):
    merchant = world.merchant(status="draft")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    wf.apply_action(
        document=merchant, action="request_fix", actor=world.verifier, comment="NIB buram"
    )
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    with pytest.raises(PermissionDeniedError):
        undo.undo_last(document=merchant, actor=world.verifier)
    merchant.refresh_from_db()
    assert merchant.status == "submitted"


def _login(client, user):
    client.force_login(user)
    return client


def test_the_workbench_opens_the_oldest_own_task_and_shows_the_claim(world, client):
    first = _waiting(world, amount=209500)
    _waiting(world, amount=10000)
    verifier = _assignee(first)
    response = _login(client, verifier).get(reverse("workbench:start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:task", args=["pembelian", first.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rp209.500" in html
    assert reverse("portal:receipt", args=[first.pk]) in html
    assert "WIB" in html and 'data-key="V"' in html and 'data-key="T"' in html
    assert 'data-key="S"' in html and 'data-key="N"' in html
    assert "<script>" not in html  # CSP: the keyboard lives in a static file
    assert first.employee.name in html and first.merchant.business_name in html


def test_a_decision_in_the_workbench_goes_through_the_engine_and_opens_the_next_task(world, client):
    first = _waiting(world)
    second = _waiting(world)
    verifier = _assignee(first)
    _login(client, verifier)
    url = reverse("workbench:act", args=["pembelian", first.pk])
    # Reject without a reason: the engine refuses, nothing changes.
    response = client.post(url, {"action": "reject"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "merchant_confirmed"
    response = client.post(url, {"action": "reject", "reason": _reason().pk})
    first.refresh_from_db()
    assert first.status == "rejected"
    event = WorkflowEvent.objects.get(object_id=first.pk, action="reject")
    assert event.actor == verifier and event.reason == _reason()
    if _assignee(second) == verifier:
        assert response["Location"] == reverse("workbench:task", args=["pembelian", second.pk])
    # The undo is offered and works from the workbench.
    page = client.get(response["Location"]).content.decode()
    assert reverse("workbench:undo", args=["pembelian", first.pk]) in page
    client.post(reverse("workbench:undo", args=["pembelian", first.pk]))
    first.refresh_from_db()
    assert first.status == "merchant_confirmed"


def test_the_workbench_opens_no_task_of_somebody_else(world, client):
    purchase = _waiting(world)
    verifier = _assignee(purchase)
    other = world.admin if verifier != world.admin else world.verifier
    _login(client, other)
    assert client.get(reverse("workbench:task", args=["pembelian", purchase.pk])).status_code == 403
    response = client.post(
        reverse("workbench:act", args=["pembelian", purchase.pk]), {"action": "verify"}
    )
    assert response.status_code == 403
    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"


def test_separation_of_duties_holds_in_the_workbench(world, client):
    """A verifier whose own purchase lands in their queue gets no decision button and the
    engine refuses a posted one."""
    from tests.factories import EmployeeFactory

    EmployeeFactory(user=world.verifier)
    world.verifier.refresh_from_db()
    purchase = world.purchase(status="merchant_confirmed", employee=world.verifier.employee)
    Assignment.objects.create(
        document_type="purchases.purchase",
        object_id=purchase.pk,
        assignee=world.verifier,
        group_id=world.verifier.groups.first().pk,
    )
    _login(client, world.verifier)
    html = client.get(reverse("workbench:task", args=["pembelian", purchase.pk])).content.decode()
    assert 'data-action="verify"' not in html
    client.post(reverse("workbench:act", args=["pembelian", purchase.pk]), {"action": "verify"})
    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"


def test_empty_queue_says_what_to_do(world, client):
    _login(client, world.verifier)
    with translation.override("id"):
        response = client.get(reverse("workbench:start"))
    assert response.status_code == 200
    assert 'id="wb-empty"' in response.content.decode()
