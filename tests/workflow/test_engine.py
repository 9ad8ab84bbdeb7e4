import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from ebakul.accounts import roles
from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.core.models import Notification
from ebakul.integrity.models import PurchaseRisk
from ebakul.purchases.models import Purchase
from ebakul.purchases.services import receipt_reading_store
from ebakul.workflow import services as wf
from ebakul.workflow.models import (
    Assignment,
    TransitionCondition,
    VerifierScope,
    WorkflowDefinition,
    WorkflowEvent,
    WorkflowState,
    WorkflowTransition,
)
from tests.factories import UserFactory

from .test_transitions import snapshot


def _transition(doc_type, from_state, code):
    return WorkflowTransition.objects.get(
        workflow__document_type=doc_type, from_state__code=from_state, code=code
    )


# --- Self-approval ----------------------------------------------------------------------
def test_creator_cannot_verify_own_purchase_unless_allowed(world):
    purchase = world.purchase(status="merchant_confirmed", created_by=world.verifier)
    before = snapshot(purchase)
    assert "verify" not in {
        t.code for t in wf.available_actions(document=purchase, user=world.verifier)
    }
    with pytest.raises(PermissionDeniedError) as exc:
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    assert str(exc.value.message) == str(wf.MSG_CREATOR % {"action": "Verifikasi"})
    assert snapshot(purchase) == before

    transition = _transition("purchases.purchase", "merchant_confirmed", "verify")
    transition.allow_creator = True
    transition.save()
    world.verifier._ebakul_workflows = {}  # a new request
    done = wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    assert done.status == "verified"


def test_merchant_user_cannot_verify_own_registration(world):
    world.verifier.groups.add(Group.objects.get(name=roles.MERCHANT))
    merchant = world.merchant(status="submitted", user=world.verifier)
    before = snapshot(merchant)
    with pytest.raises(PermissionDeniedError):
        wf.apply_action(document=merchant, action="verify", actor=world.verifier)
    assert snapshot(merchant) == before


# --- Ownership --------------------------------------------------------------------------
def test_merchant_cannot_confirm_another_merchants_sale(world):
    purchase = world.purchase(status="submitted", merchant=world.other_shop)
    before = snapshot(purchase)
    assert wf.available_actions(document=purchase, user=world.merchant_owner) == []
    with pytest.raises(PermissionDeniedError) as exc:
        wf.apply_action(document=purchase, action="confirm", actor=world.merchant_owner)
    assert str(exc.value.message) == str(wf.MSG_NOT_YOURS % {"action": "Konfirmasi"})
    assert snapshot(purchase) == before
    done = wf.apply_action(document=purchase, action="confirm", actor=world.other_merchant)
    assert done.status == "merchant_confirmed"


def test_employee_cannot_submit_someone_elses_purchase(world):
    purchase = world.purchase(status="draft")
    before = snapshot(purchase)
    with pytest.raises(PermissionDeniedError):
        wf.apply_action(document=purchase, action="submit", actor=world.other_employee)
    assert snapshot(purchase) == before


def test_employee_cannot_confirm_own_purchase_at_own_shop(world):
    """Self-dealing: the employee who recorded the purchase owns the shop too."""
    world.employee_owner.groups.add(Group.objects.get(name=roles.MERCHANT))
    shop = world.merchant(status="verified", user=world.employee_owner)
    purchase = world.purchase(status="submitted", merchant=shop)
    before = snapshot(purchase)
    with pytest.raises(PermissionDeniedError) as exc:
        wf.apply_action(document=purchase, action="confirm", actor=world.employee_owner)
    assert str(exc.value.message) == str(wf.MSG_CREATOR % {"action": "Konfirmasi"})
    assert snapshot(purchase) == before


def test_anonymous_and_inactive_users_are_refused(world):
    from django.contrib.auth.models import AnonymousUser

    purchase = world.purchase(status="merchant_confirmed")
    with pytest.raises(PermissionDeniedError):
        wf.apply_action(document=purchase, action="verify", actor=AnonymousUser())
    world.verifier.is_active = False
    world.verifier.save()
    with pytest.raises(PermissionDeniedError):
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    assert Purchase.objects.get(pk=purchase.pk).status == "merchant_confirmed"


# --- Conditions and automatic verification ----------------------------------------------
def _enable_auto_verify(amount=500_000):
    auto = _transition("purchases.purchase", "merchant_confirmed", "auto_verify")
    auto.enabled = True
    auto.save()
    auto.conditions.filter(predicate="amount_at_most").update(params={"amount": amount})
    return auto


def test_auto_verify_is_off_by_default(world):
    purchase = world.purchase(status="submitted", amount=10_000)
    done = wf.apply_action(document=purchase, action="confirm", actor=world.merchant_owner)
    assert done.status == "merchant_confirmed"


def test_amount_condition_gates_auto_verify(world):
    _enable_auto_verify(500_000)
    small = world.purchase(status="submitted", amount=500_000)
    large = world.purchase(status="submitted", amount=500_001)
    # The integrity app lets the system verify only a purchase it routed as low-risk (issue 15).
    for p in (small, large):
        PurchaseRisk.objects.create(purchase=p, score=0, route="auto_verified", period=p.period)
        # ... whose receipt has been read (docs/adr/0232).
        receipt_reading_store(purchase_id=p.pk, receipt_sha256=p.receipt_sha256)

    assert wf.apply_action(document=small, action="confirm", actor=world.merchant_owner).status == (
        "verified"
    )
    assert [e.action for e in wf.document_history(document=small)] == ["confirm", "auto_verify"]
    assert wf.document_history(document=small).last().actor is None
    assert not Assignment.objects.filter(object_id=small.pk, active=True).exists()

    assert wf.apply_action(document=large, action="confirm", actor=world.merchant_owner).status == (
        "merchant_confirmed"
    )
    assert [e.action for e in wf.document_history(document=large)] == ["confirm"]
    assert Assignment.objects.filter(
        document_type="purchases.purchase", object_id=large.pk, active=True
    ).exists()


def test_nobody_can_take_an_automatic_transition_by_hand(world):
    _enable_auto_verify()
    purchase = world.purchase(status="merchant_confirmed", amount=1000)
    with pytest.raises(PermissionDeniedError) as exc:
        wf.apply_action(document=purchase, action="auto_verify", actor=world.admin)
    assert str(exc.value.message) == str(wf.MSG_AUTOMATIC_ONLY % {"action": "Verifikasi otomatis"})


def test_condition_refusal_names_the_condition(world):
    verify = _transition("purchases.purchase", "merchant_confirmed", "verify")
    condition = TransitionCondition(
        transition=verify, predicate="amount_at_most", params={"amount": 100_000}
    )
    condition.full_clean()
    condition.save()
    purchase = world.purchase(status="merchant_confirmed", amount=150_000)
    before = snapshot(purchase)
    with pytest.raises(PermissionDeniedError) as exc:
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    assert "Rp100.000" in str(exc.value.message)
    assert snapshot(purchase) == before


@pytest.mark.parametrize(
    ("predicate", "params"),
    [
        ("amount_at_most", {}),
        ("amount_at_most", {"amount": -1}),
        ("amount_at_most", {"amount": "500000"}),
        ("amount_at_most", {"amount": 5, "extra": 1}),
        ("payment_method_in", {"methods": "qris"}),
        ("eval", {"code": "__import__('os')"}),
    ],
)
def test_bad_condition_parameters_are_refused(world, predicate, params):
    from django.core.exceptions import ValidationError

    verify = _transition("purchases.purchase", "merchant_confirmed", "verify")
    with pytest.raises(ValidationError):
        TransitionCondition(transition=verify, predicate=predicate, params=params).full_clean()


def test_risk_score_condition_fails_without_a_score(world):
    from ebakul.workflow import conditions

    purchase = world.purchase()
    assert not conditions.holds("risk_score_at_most", {"score": 50}, purchase)
    purchase.risk_score = 10
    assert conditions.holds("risk_score_at_most", {"score": 50}, purchase)


# --- Editing a workflow while documents are in flight -----------------------------------
def test_new_state_and_transition_apply_to_documents_in_flight(world):
    purchase = world.purchase(status="merchant_disputed")
    definition = WorkflowDefinition.objects.get(document_type="purchases.purchase")
    review = WorkflowState.objects.create(workflow=definition, code="review", label="Ditelaah")
    escalate = WorkflowTransition.objects.create(
        workflow=definition,
        code="escalate",
        label="Telaah",
        from_state=WorkflowState.objects.get(workflow=definition, code="merchant_disputed"),
        to_state=review,
    )
    escalate.allowed_groups.add(Group.objects.get(name=roles.VERIFIER))
    assert "escalate" in {
        t.code for t in wf.available_actions(document=purchase, user=world.verifier)
    }
    done = wf.apply_action(document=purchase, action="escalate", actor=world.verifier)
    assert done.status == "review"
    # Nothing leaves "review" yet: no action, and a refused verify changes nothing.
    assert wf.available_actions(document=purchase, user=world.admin) == []
    with pytest.raises(ConflictError):
        wf.apply_action(document=purchase, action="verify", actor=world.admin)


def test_occupied_state_cannot_be_deleted_or_renamed(world):
    world.purchase(status="merchant_disputed")
    state = WorkflowState.objects.get(
        workflow__document_type="purchases.purchase", code="merchant_disputed"
    )
    with pytest.raises(ConflictError) as exc:
        wf.state_delete(state=state, actor=world.admin)
    assert str(exc.value.message) == str(
        wf.MSG_STATE_OCCUPIED % {"state": "Disanggah penjual", "count": 1}
    )
    with pytest.raises(ConflictError), transaction.atomic():
        state.delete()
    state.code = "disputed"
    with pytest.raises(ConflictError), transaction.atomic():
        state.save()
    assert WorkflowState.objects.filter(pk=state.pk, code="merchant_disputed").exists()
    assert WorkflowTransition.objects.filter(from_state=state).count() == 2


def test_free_state_can_be_deleted(world):
    definition = WorkflowDefinition.objects.get(document_type="purchases.purchase")
    spare = WorkflowState.objects.create(workflow=definition, code="spare", label="Cadangan")
    wf.state_delete(state=spare, actor=world.admin)
    assert not WorkflowState.objects.filter(pk=spare.pk).exists()


def test_inactive_workflow_offers_nothing(world):
    WorkflowDefinition.objects.filter(document_type="purchases.purchase").update(active=False)
    purchase = world.purchase(status="merchant_confirmed")
    assert wf.available_actions(document=purchase, user=world.verifier) == []
    with pytest.raises(ConflictError):
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)


# --- History is append-only -------------------------------------------------------------
def test_events_cannot_be_changed_or_deleted(world):
    from django.core.exceptions import ValidationError

    merchant = world.merchant(status="submitted")
    wf.apply_action(document=merchant, action="verify", actor=world.verifier)
    event = wf.document_history(document=merchant).get()
    event.comment = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert WorkflowEvent.objects.get(pk=event.pk).comment == ""


# --- Assignment -------------------------------------------------------------------------
def _verifiers(n):
    return [UserFactory(username=f"verif-rr-{i}", role=roles.VERIFIER) for i in range(n)]


def test_round_robin_spreads_submitted_merchants(world, django_capture_on_commit_callbacks):
    extra = _verifiers(2)
    team = [world.verifier, *extra]
    merchants = [world.merchant(status="draft") for _ in range(6)]
    for m in merchants:
        with django_capture_on_commit_callbacks(execute=True):
            wf.apply_action(document=m, action="submit", actor=world.merchant_owner)
    assigned = list(
        Assignment.objects.filter(document_type="merchants.umkmmerchant", active=True)
        .order_by("id")
        .values_list("assignee_id", flat=True)
    )
    assert len(assigned) == 6
    assert sorted(assigned.count(v.pk) for v in team) == [2, 2, 2]
    assert assigned[:3] != assigned[:1] * 3
    # Assignees are told after commit.
    assert Notification.objects.filter(kind="workflow_task").count() == 6


def test_assignment_ends_when_the_document_leaves_the_waiting_state(world):
    merchant = world.merchant(status="draft")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    assignment = Assignment.objects.get(
        object_id=merchant.pk, document_type="merchants.umkmmerchant"
    )
    assert assignment.assignee == world.verifier and assignment.active
    wf.apply_action(document=merchant, action="verify", actor=world.verifier)
    assignment.refresh_from_db()
    assert not assignment.active and assignment.ended_at is not None


def test_same_verifier_keeps_a_purchase_through_waiting_states(world):
    _verifiers(1)
    purchase = world.purchase(status="submitted")
    wf.apply_action(document=purchase, action="confirm", actor=world.merchant_owner)
    first = Assignment.objects.get(document_type="purchases.purchase", object_id=purchase.pk)
    assert first.active


def test_scoped_assignment_prefers_the_verifier_of_the_work_unit(world):
    from ebakul.employees.models import WorkUnit

    local, _other = _verifiers(2)
    VerifierScope.objects.create(user=local, work_unit=WorkUnit.objects.get(code="BPKAD"))
    purchases = [world.purchase(status="submitted") for _ in range(3)]
    for p in purchases:
        wf.apply_action(document=p, action="confirm", actor=world.merchant_owner)
    assert set(
        Assignment.objects.filter(document_type="purchases.purchase").values_list(
            "assignee_id", flat=True
        )
    ) == {local.pk}


def test_reassign_is_audited_and_restricted(world):
    colleague = _verifiers(1)[0]
    merchant = world.merchant(status="draft")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    current = Assignment.objects.get(object_id=merchant.pk, active=True)
    # Someone who is neither admin nor the assignee may not reassign.
    other = colleague if current.assignee != colleague else world.verifier
    before = snapshot(merchant)
    with pytest.raises(PermissionDeniedError):
        wf.assignment_reassign(document=merchant, assignee=other, actor=other)
    assert snapshot(merchant) == before
    # A non-member cannot receive it.
    with pytest.raises(DomainError):
        wf.assignment_reassign(document=merchant, assignee=world.operator, actor=world.admin)
    assert snapshot(merchant) == before

    new = wf.assignment_reassign(
        document=merchant, assignee=other, actor=world.admin, reason="cuti"
    )
    assert new.assignee == other and new.active
    current.refresh_from_db()
    assert not current.active
    event = wf.document_history(document=merchant).last()
    assert event.action == wf.ACTION_REASSIGN
    assert event.actor == world.admin
    assert event.comment.endswith(": cuti")
    assert other.username in event.comment
    assert Assignment.objects.filter(object_id=merchant.pk, active=True).count() == 1


# --- Notifications ----------------------------------------------------------------------
def test_owner_is_notified_in_the_transition_transaction(world, django_capture_on_commit_callbacks):
    # Notifications are written with the transition (ADR 0300): a rollback removes them
    # (test_a_refused_action_notifies_nobody); only e-mail delivery waits for the commit.
    purchase = world.purchase(status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        wf.apply_action(
            document=purchase, action="dispute", actor=world.merchant_owner, comment="bukan"
        )
    # the employee, and the verifier it is assigned to
    assert Notification.objects.filter(kind__in=["workflow", "workflow_task"]).count() == 2
    note = Notification.objects.get(user=world.employee_owner, kind="workflow")
    assert "Disanggah penjual" in note.title
    assert note.body == str(wf.MSG_NOTIFY_REASON % {"reason": "bukan"})


def test_a_refused_action_notifies_nobody(world, django_capture_on_commit_callbacks):
    purchase = world.purchase(status="submitted")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDeniedError),
    ):
        wf.apply_action(document=purchase, action="dispute", actor=world.other_merchant)
    assert callbacks == []
    assert not Notification.objects.exists()


# --- Query counts -----------------------------------------------------------------------
def test_available_actions_on_a_list_has_bounded_queries(world, django_assert_max_num_queries):
    from ebakul.accounts.models import User

    for status in ["submitted", "merchant_confirmed", "merchant_disputed"] * 10:
        world.purchase(status=status)
    for username, expected in (("verifikator1", 30), ("penjual1", 10), ("pegawai1", 0)):
        user = User.objects.get(username=username)  # a fresh request's user
        docs = list(Purchase.objects.select_related("employee", "merchant"))
        assert len(docs) == 30
        with django_assert_max_num_queries(7):
            offered = [wf.available_actions(document=d, user=user) for d in docs]
        assert sum(1 for o in offered if o) == expected
