"""Every "no" has a reason, enforced by the engine (docs/adr/0110, 0111): a refusal without a
reason fails in the service with a clear Indonesian message and changes nothing; the reason
comes from the administrators' list and/or free text; the merchant's dispute note and the
verifier's reason are separate; the people affected are told the reason."""

import pytest
from django.utils import translation

from ebakul.core.errors import DomainError
from ebakul.core.models import Notification
from ebakul.merchants.models import UmkmMerchant
from ebakul.purchases.models import Purchase
from ebakul.workflow import services as wf
from ebakul.workflow.models import RefusalReason, WorkflowTransition
from ebakul.workflow.reference import load_reasons

from .test_transitions import snapshot


def _reason(kind: str) -> RefusalReason:
    return RefusalReason.objects.filter(kind=kind, active=True).order_by("order", "id").first()


@pytest.mark.parametrize("from_state", ["submitted", "merchant_confirmed", "merchant_disputed"])
def test_rejecting_a_purchase_without_a_reason_fails_in_the_engine_and_changes_nothing(
    world, from_state, django_capture_on_commit_callbacks
):
    purchase = world.purchase(status=from_state)
    before = snapshot(purchase)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(DomainError) as exc, translation.override("id"):
            wf.apply_action(document=purchase, action="reject", actor=world.verifier, comment="  ")
        with translation.override("id"):
            message = str(exc.value.message)
    assert exc.value.code == "reason_required"
    assert message == (
        "Tindakan “Tolak” memerlukan alasan: pilih salah satu dari daftar atau tuliskan alasannya."
    )
    # Re-read the row and the history: nothing changed, nobody was told anything.
    assert snapshot(Purchase.objects.get(pk=purchase.pk)) == before
    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("status", "action"),
    [("submitted", "reject"), ("submitted", "request_fix"), ("verified", "suspend")],
)
def test_refusing_a_merchant_without_a_reason_fails_and_changes_nothing(world, status, action):
    merchant = world.merchant(status=status)
    before = snapshot(merchant)
    with pytest.raises(DomainError) as exc:
        wf.apply_action(document=merchant, action=action, actor=world.verifier)
    assert exc.value.code == "reason_required"
    assert snapshot(UmkmMerchant.objects.get(pk=merchant.pk)) == before


def test_a_dispute_without_a_reason_fails_in_the_engine(world):
    purchase = world.purchase(status="submitted")
    before = snapshot(purchase)
    with pytest.raises(DomainError):
        wf.apply_action(document=purchase, action="dispute", actor=world.merchant_owner)
    assert snapshot(Purchase.objects.get(pk=purchase.pk)) == before


def test_a_reason_from_the_list_is_enough_and_recorded_with_the_event(world):
    purchase = world.purchase(status="merchant_confirmed")
    reason = _reason("purchase_reject")
    wf.apply_action(document=purchase, action="reject", actor=world.verifier, reason=reason.pk)
    purchase.refresh_from_db()
    assert purchase.status == "rejected"
    assert purchase.decision_reason == reason.label
    event = wf.document_history(document=purchase).get()
    assert (event.reason, event.comment) == (reason, reason.label)


def test_reason_and_free_text_are_combined(world):
    purchase = world.purchase(status="merchant_confirmed")
    reason = _reason("purchase_reject")
    wf.apply_action(
        document=purchase,
        action="reject",
        actor=world.verifier,
        reason=reason,
        comment="Nota dari toko lain",
    )
    purchase.refresh_from_db()
    assert purchase.decision_reason == f"{reason.label}: Nota dari toko lain"


@pytest.mark.parametrize("problem", ["other_kind", "inactive", "unknown"])
def test_a_reason_not_offered_for_the_action_is_refused(world, problem):
    purchase = world.purchase(status="merchant_confirmed")
    reason = _reason("merchant_suspend" if problem == "other_kind" else "purchase_reject")
    if problem == "inactive":
        RefusalReason.objects.filter(pk=reason.pk).update(active=False)
    reason_id = 999_999 if problem == "unknown" else reason.pk
    before = snapshot(purchase)
    with pytest.raises(DomainError) as exc:
        wf.apply_action(
            document=purchase,
            action="reject",
            actor=world.verifier,
            reason=reason_id,
            comment="teks",
        )
    assert exc.value.code == "reason_invalid"
    assert snapshot(Purchase.objects.get(pk=purchase.pk)) == before


def test_the_merchants_dispute_note_survives_a_rejection(world):
    purchase = world.purchase(status="submitted")
    wf.apply_action(
        document=purchase,
        action="dispute",
        actor=world.merchant_owner,
        comment="Tidak ada transaksi hari itu",
    )
    wf.apply_action(
        document=purchase,
        action="reject",
        actor=world.verifier,
        reason=_reason("purchase_reject"),
        comment="Penjual menyangkal",
    )
    purchase = Purchase.objects.get(pk=purchase.pk)
    assert purchase.merchant_note == "Tidak ada transaksi hari itu"
    assert purchase.decision_reason.endswith("Penjual menyangkal")
    # Both are in the record's history, each with its author.
    history = list(purchase.history.order_by("history_date", "history_id"))
    assert [h.merchant_note for h in history][-2:] == ["Tidak ada transaksi hari itu"] * 2
    assert history[-1].history_user == world.verifier
    assert history[-2].history_user == world.merchant_owner


def test_the_employee_and_the_merchant_are_notified_with_the_reason(
    world, django_capture_on_commit_callbacks
):
    purchase = world.purchase(status="merchant_confirmed")
    reason = _reason("purchase_reject")
    with django_capture_on_commit_callbacks(execute=True):
        wf.apply_action(
            document=purchase, action="reject", actor=world.verifier, reason=reason, comment="x"
        )
    for user in (world.employee_owner, world.merchant_owner):
        note = Notification.objects.get(user=user, kind="workflow")
        assert "Ditolak" in note.title
        assert f"{reason.label}: x" in note.body
    employee_note = Notification.objects.get(user=world.employee_owner, kind="workflow")
    assert employee_note.url == f"/pegawai/belanja/{purchase.pk}/"


def test_a_suspended_merchant_is_notified_with_the_reason(
    world, django_capture_on_commit_callbacks
):
    merchant = world.merchant(status="verified")
    reason = _reason("merchant_suspend")
    with django_capture_on_commit_callbacks(execute=True):
        wf.apply_action(document=merchant, action="suspend", actor=world.verifier, reason=reason)
    merchant.refresh_from_db()
    assert merchant.status == "suspended" and merchant.status_note == reason.label
    note = Notification.objects.get(user=world.merchant_owner, kind="workflow")
    assert reason.label in note.body


def test_requires_reason_is_data(world):
    """An administrator who switches the flag off lets the action through without a reason."""
    WorkflowTransition.objects.filter(
        workflow__document_type="purchases.purchase", code="reject"
    ).update(requires_reason=False)
    purchase = world.purchase(status="merchant_confirmed")
    wf.apply_action(document=purchase, action="reject", actor=world.verifier)
    assert Purchase.objects.get(pk=purchase.pk).status == "rejected"


def test_the_loader_seeds_reasons_once_and_keeps_administrators_edits(db, ref):
    kinds = set(RefusalReason.objects.values_list("kind", flat=True))
    assert kinds == {
        "purchase_reject",
        "purchase_correction",
        "merchant_reject",
        "merchant_correction",
        "merchant_suspend",
        "appeal_reject",
        # the marketplace's moderation (ADR 0420)
        "listing_hide",
        "review_hide",
    }
    first = _reason("merchant_reject")
    first.label = "Usaha menengah, bukan mikro"
    first.save()
    RefusalReason.objects.filter(kind="appeal_reject").exclude(
        pk=_reason("appeal_reject").pk
    ).update(active=False)
    count = RefusalReason.objects.count()
    assert load_reasons() == 0
    assert RefusalReason.objects.count() == count
    assert RefusalReason.objects.filter(label="Usaha menengah, bukan mikro").exists()
