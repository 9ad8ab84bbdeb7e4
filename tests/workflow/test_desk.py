"""The workflow in the desk: actions on the change page, bulk actions, history, inbox, editor."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ebakul.accounts import roles
from ebakul.merchants.models import UmkmMerchant
from ebakul.purchases.models import Purchase
from ebakul.workflow import services as wf
from ebakul.workflow.admin import MSG_BULK_APPLIED
from ebakul.workflow.models import Assignment, WorkflowDefinition, WorkflowState
from tests.factories import UserFactory

from .test_transitions import snapshot


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_history_is_readable_on_the_change_page(world, client):
    merchant = world.merchant(status="draft")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    wf.apply_action(
        document=merchant, action="request_fix", actor=world.verifier, comment="Foto NIB buram"
    )
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    client.force_login(world.admin)
    response = client.get(reverse("admin:merchants_umkmmerchant_change", args=[merchant.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="workflow-history"' in html
    assert html.count('class="border-t border-base-200 dark:border-base-800 workflow-event"') == 3
    for text in ("Foto NIB buram", "penjual1", "verifikator1", "Perlu perbaikan"):
        assert text in html
    history = html[html.index('id="workflow-history"') :]
    # Actions are shown by their labels, as administrators named them.
    assert "Minta perbaikan" in history and "Ajukan ulang" in history
    assert ">request_fix<" not in history
    # The actions open to the admin now: verify in one click; reject and request correction
    # only through their confirmation step with a reason.
    assert 'value="verify"' in html and 'value="reject"' not in html
    assert 'data-action="reject"' in html and 'data-action="request_fix"' in html
    assert 'value="submit"' not in html


def test_change_page_action_goes_through_the_engine(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    client.force_login(world.verifier)
    url = reverse("admin:purchases_purchase_workflow", args=[purchase.pk])
    response = client.post(
        url, {"wf_action": "verify", "wf_state": "merchant_confirmed", "wf_comment": "cocok"}
    )
    assert response.status_code == 302
    purchase.refresh_from_db()
    assert purchase.status == "verified"
    event = wf.document_history(document=purchase).get()
    assert (event.actor, event.comment) == (world.verifier, "cocok")


def test_change_page_action_on_a_stale_page_is_refused(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    wf.apply_action(document=purchase, action="reject", actor=world.admin, comment="palsu")
    before = snapshot(purchase)
    client.force_login(world.verifier)
    response = client.post(
        reverse("admin:purchases_purchase_workflow", args=[purchase.pk]),
        {"wf_action": "verify", "wf_state": "merchant_confirmed"},
        follow=True,
    )
    assert str(wf.MSG_CHANGED_MEANWHILE % {"state": "Ditolak"}) in _messages(response)
    assert snapshot(purchase) == before


def test_change_page_action_refused_for_the_wrong_role(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    before = snapshot(purchase)
    client.force_login(world.operator)
    url = reverse("admin:purchases_purchase_workflow", args=[purchase.pk])
    data = {"wf_action": "verify", "wf_state": "merchant_confirmed"}
    # An operator of another unit does not even see the purchase.
    assert client.post(url, data).status_code == 404
    assert snapshot(purchase) == before
    # An operator of the employee's unit sees it, and is refused.
    from ebakul.employees.models import UnitOperator

    UnitOperator.objects.create(user=world.operator, work_unit=purchase.employee.work_unit)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert str(wf.MSG_NOT_ALLOWED % {"action": "Verifikasi"}) in _messages(response)
    assert snapshot(purchase) == before


def test_bulk_action_over_mixed_states_reports_each_row(world, client):
    ok1 = world.purchase(status="merchant_confirmed")
    ok2 = world.purchase(status="merchant_disputed")
    draft = world.purchase(status="draft")
    done = world.purchase(status="verified")
    own = world.purchase(status="merchant_confirmed", created_by=world.verifier)
    refused = [draft, done, own]
    before = {p.pk: snapshot(p) for p in refused}
    client.force_login(world.verifier)
    response = client.post(
        reverse("admin:purchases_purchase_changelist"),
        {
            "action": "workflow_verify",
            "_selected_action": [p.pk for p in (ok1, ok2, draft, done, own)],
            "index": 0,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Purchase.objects.get(pk=ok1.pk).status == "verified"
    assert Purchase.objects.get(pk=ok2.pk).status == "verified"
    for p in refused:
        assert snapshot(p) == before[p.pk]
    msgs = _messages(response)
    assert str(MSG_BULK_APPLIED % {"action": "Verifikasi", "count": 2}) in msgs
    report = next(m for m in msgs if draft.document_number in m)
    assert done.document_number in report and own.document_number in report
    assert str(wf.MSG_CREATOR % {"action": "Verifikasi"}) in report
    assert ok1.document_number not in report


def test_bulk_actions_are_listed_on_the_changelist(world, client):
    client.force_login(world.verifier)
    html = client.get(reverse("admin:merchants_umkmmerchant_changelist")).content.decode()
    for code in ("verify", "reinstate"):
        assert f'value="workflow_{code}"' in html
    # Refusals need a reason and a confirmation: never a bulk action.
    for code in ("reject", "request_fix", "suspend"):
        assert f'value="workflow_{code}"' not in html


def test_my_tasks_inbox_lists_and_counts_assigned_documents(world, client):
    merchant = world.merchant(status="draft")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    purchases = [world.purchase(status="submitted") for _ in range(2)]
    for p in purchases:
        wf.apply_action(document=p, action="confirm", actor=world.merchant_owner)
    client.force_login(world.verifier)
    response = client.get(reverse("admin:workflow_mytask_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-document-type="purchases.purchase"' in html
    assert 'data-count="2"' in html and 'data-count="1"' in html
    assert merchant.document_number in html
    for p in purchases:
        assert p.document_number in html
        assert reverse("admin:purchases_purchase_change", args=[p.pk]) in html
    # Another verifier's inbox is empty.
    other = UserFactory(username="verif-lain", role=roles.VERIFIER)
    client.force_login(other)
    html = client.get(reverse("admin:workflow_mytask_changelist")).content.decode()
    assert merchant.document_number not in html
    assert 'data-count="0"' in html


def test_my_tasks_inbox_query_count(world, client, django_assert_max_num_queries):
    for _ in range(15):
        p = world.purchase(status="submitted")
        wf.apply_action(document=p, action="confirm", actor=world.merchant_owner)
    client.force_login(world.verifier)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:workflow_mytask_changelist"))
    assert response.status_code == 200


def test_reassign_in_the_desk_is_audited(world, client):
    colleague = UserFactory(username="verif-dua", role=roles.VERIFIER)
    merchant = world.merchant(status="draft")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    assignment = Assignment.objects.get(object_id=merchant.pk, active=True)
    target = colleague if assignment.assignee != colleague else world.verifier
    client.force_login(world.admin)
    url = reverse("admin:workflow_assignment_reassign", args=[assignment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"assignee": target.pk, "reason": "beban kerja"})
    assert response.status_code == 302
    assert Assignment.objects.get(object_id=merchant.pk, active=True).assignee == target
    event = wf.document_history(document=merchant).last()
    assert event.action == "assignment_reassign" and event.actor == world.admin
    assert "beban kerja" in event.comment


def test_reassign_view_refused_for_a_bystander(world, client):
    merchant = world.merchant(status="draft")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    assignment = Assignment.objects.get(object_id=merchant.pk, active=True)
    bystander = UserFactory(username="verif-tiga", role=roles.VERIFIER)
    client.force_login(bystander)
    url = reverse("admin:workflow_assignment_reassign", args=[assignment.pk])
    assert client.post(url, {"assignee": bystander.pk}).status_code == 403
    assert (
        Assignment.objects.get(object_id=merchant.pk, active=True).assignee == assignment.assignee
    )


def _definition_post(definition, *, delete_state=None, rename_state=None):
    """The editor's POST, as the browser sends it, built from what is in the database."""
    data = {
        "name": definition.name,
        "active": "on",
        "assignment_group": definition.assignment_group_id or "",
        "assignment_scope": definition.assignment_scope,
    }
    states = list(definition.states.order_by("order", "id"))
    data.update(
        {
            "states-TOTAL_FORMS": len(states),
            "states-INITIAL_FORMS": len(states),
            "states-MIN_NUM_FORMS": 0,
            "states-MAX_NUM_FORMS": 1000,
        }
    )
    for i, s in enumerate(states):
        p = f"states-{i}-"
        data.update(
            {
                p + "id": s.pk,
                p + "workflow": definition.pk,
                p + "order": s.order,
                p + "code": rename_state if (rename_state and s == delete_state) else s.code,
                p + "label": s.label,
            }
        )
        for flag in (
            "is_initial",
            "is_final",
            "is_editable",
            "awaits_verification",
            "counts_as_pending",
            "counts_as_verified",
        ):
            if getattr(s, flag):
                data[p + flag] = "on"
        if s == delete_state and not rename_state:
            data[p + "DELETE"] = "on"
    transitions = list(definition.transitions.order_by("order", "id"))
    data.update(
        {
            "transitions-TOTAL_FORMS": len(transitions),
            "transitions-INITIAL_FORMS": len(transitions),
            "transitions-MIN_NUM_FORMS": 0,
            "transitions-MAX_NUM_FORMS": 1000,
        }
    )
    for i, t in enumerate(transitions):
        p = f"transitions-{i}-"
        data.update(
            {
                p + "id": t.pk,
                p + "workflow": definition.pk,
                p + "code": t.code,
                p + "label": t.label,
                p + "order": t.order,
                p + "from_state": t.from_state_id,
                p + "to_state": t.to_state_id,
                p + "allowed_groups": [g.pk for g in t.allowed_groups.all()],
                p + "owner_rule": t.owner_rule,
                p + "owner_group": t.owner_group_id or "",
            }
        )
        for flag in ("allow_creator", "is_automatic", "enabled", "sets_status_note", "is_submit"):
            if getattr(t, flag):
                data[p + flag] = "on"
    return data


@pytest.mark.parametrize("rename", [False, True])
def test_editor_refuses_to_remove_an_occupied_state(world, client, rename):
    world.purchase(status="merchant_disputed")
    definition = WorkflowDefinition.objects.get(document_type="purchases.purchase")
    state = definition.states.get(code="merchant_disputed")
    client.force_login(world.admin)
    url = (
        reverse("admin:workflow_workflowdefinition_change", args=[definition.pk])
        + "?langkah=status"
    )
    response = client.post(
        url,
        _definition_post(
            definition, delete_state=state, rename_state="disputed" if rename else None
        ),
    )
    assert response.status_code == 200  # the form again, with the message
    html = response.content.decode()
    assert str(wf.MSG_STATE_OCCUPIED % {"state": "Disanggah penjual", "count": 1}) in html
    assert WorkflowState.objects.filter(pk=state.pk, code="merchant_disputed").exists()


def test_editor_saves_an_unchanged_definition_and_removes_a_free_state(world, client):
    definition = WorkflowDefinition.objects.get(document_type="merchants.umkmmerchant")
    client.force_login(world.admin)
    url = (
        reverse("admin:workflow_workflowdefinition_change", args=[definition.pk])
        + "?langkah=status"
    )
    assert client.get(url).status_code == 200
    response = client.post(url, _definition_post(definition))
    assert response.status_code == 302, response.content.decode()[:3000]
    spare = WorkflowState.objects.create(
        workflow=definition, code="spare", label="Cadangan", order=99
    )
    response = client.post(url, _definition_post(definition, delete_state=spare))
    assert response.status_code == 302
    assert not WorkflowState.objects.filter(pk=spare.pk).exists()
    assert UmkmMerchant.objects.count() >= 0
