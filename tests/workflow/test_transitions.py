"""Every default transition: allowed for the right people, refused for everyone else, and a
refusal changes nothing (status, history, assignment, verification spans)."""

import pytest

from ebakul.core.errors import ConflictError, PermissionDeniedError
from ebakul.merchants.models import MerchantVerificationSpan, UmkmMerchant
from ebakul.purchases.models import Purchase
from ebakul.workflow import services as wf
from ebakul.workflow.documents import note_fields
from ebakul.workflow.models import Assignment, WorkflowEvent

ROLES = (
    "admin",
    "verifier",
    "operator",
    "employee_owner",
    "merchant_owner",
    "other_employee",
    "other_merchant",
)
STAFF = {"admin", "verifier"}

MERCHANT_CASES = [
    ("draft", "submit", "submitted", {"admin", "merchant_owner"}),
    ("needs_fix", "submit", "submitted", {"admin", "merchant_owner"}),
    ("submitted", "verify", "verified", STAFF),
    ("submitted", "reject", "rejected", STAFF),
    ("submitted", "request_fix", "needs_fix", STAFF),
    ("verified", "suspend", "suspended", STAFF),
    ("suspended", "reinstate", "verified", STAFF),
]
PURCHASE_CASES = [
    ("draft", "submit", "submitted", {"employee_owner"}),
    ("submitted", "confirm", "merchant_confirmed", {"merchant_owner"}),
    ("submitted", "dispute", "merchant_disputed", {"merchant_owner"}),
    ("submitted", "reject", "rejected", STAFF),
    ("merchant_confirmed", "verify", "verified", STAFF),
    ("merchant_disputed", "verify", "verified", STAFF),
    ("merchant_confirmed", "reject", "rejected", STAFF),
    ("merchant_disputed", "reject", "rejected", STAFF),
    ("merchant_confirmed", "auto_verify", "verified", set()),
    ("rejected", "contest", "contested", {"employee_owner"}),
    ("contested", "verify", "verified", STAFF),
    ("contested", "reject", "rejected", STAFF),
]


def snapshot(doc):
    doc.refresh_from_db()
    key = f"{doc._meta.app_label}.{doc._meta.model_name}"
    return (
        doc.status,
        [getattr(doc, name) for name in note_fields(doc)],
        WorkflowEvent.objects.filter(document_type=key, object_id=doc.pk).count(),
        list(
            Assignment.objects.filter(document_type=key, object_id=doc.pk)
            .order_by("id")
            .values_list("assignee_id", "active")
        ),
        MerchantVerificationSpan.objects.count(),
    )


def _check(world, doc, action, to_state, allowed, role):
    actor = world.users[role]
    listed = action in {t.code for t in wf.available_actions(document=doc, user=actor)}
    before = snapshot(doc)
    if role in allowed:
        assert listed
        result = wf.apply_action(document=doc, action=action, actor=actor, comment="catatan")
        assert result.status == to_state
        assert doc.status == to_state
        event = wf.document_history(document=doc).last()
        assert (event.from_state, event.to_state, event.action, event.actor) == (
            before[0],
            to_state,
            action,
            actor,
        )
    else:
        assert not listed
        with pytest.raises(PermissionDeniedError):
            wf.apply_action(document=doc, action=action, actor=actor, comment="catatan")
        assert snapshot(doc) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("from_state", "action", "to_state", "allowed"), MERCHANT_CASES)
def test_merchant_transition(world, role, from_state, action, to_state, allowed):
    merchant = world.merchant(status=from_state)
    _check(world, merchant, action, to_state, allowed, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("from_state", "action", "to_state", "allowed"), PURCHASE_CASES)
def test_purchase_transition(world, role, from_state, action, to_state, allowed):
    purchase = world.purchase(status=from_state)
    _check(world, purchase, action, to_state, allowed, role)


def test_merchant_verification_keeps_spans(world):
    merchant = world.merchant(status="submitted")
    wf.apply_action(document=merchant, action="verify", actor=world.verifier)
    assert merchant.verification_spans.filter(verified_until__isnull=True).count() == 1
    wf.apply_action(document=merchant, action="suspend", actor=world.verifier, comment="tutup")
    span = merchant.verification_spans.get()
    assert span.verified_until is not None
    merchant.refresh_from_db()
    assert merchant.status_note == "tutup"


def test_reject_comment_becomes_status_note(world):
    merchant = world.merchant(status="submitted")
    wf.apply_action(
        document=merchant, action="request_fix", actor=world.verifier, comment="NIB buram"
    )
    assert UmkmMerchant.objects.get(pk=merchant.pk).status_note == "NIB buram"


def test_action_not_possible_from_state_is_a_conflict(world):
    purchase = world.purchase(status="draft")
    before = snapshot(purchase)
    with pytest.raises(ConflictError) as exc:
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    assert str(exc.value.message) == str(
        wf.MSG_NOT_FROM_STATE % {"action": "verify", "state": "Draf"}
    )
    assert snapshot(purchase) == before


def test_stale_document_is_a_conflict(world):
    purchase = world.purchase(status="merchant_confirmed")
    stale = Purchase.objects.get(pk=purchase.pk)
    wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    before = snapshot(Purchase.objects.get(pk=purchase.pk))
    with pytest.raises(ConflictError) as exc:
        wf.apply_action(document=stale, action="reject", actor=world.admin)
    assert str(exc.value.message) == str(wf.MSG_CHANGED_MEANWHILE % {"state": "Diverifikasi"})
    assert snapshot(Purchase.objects.get(pk=purchase.pk)) == before
