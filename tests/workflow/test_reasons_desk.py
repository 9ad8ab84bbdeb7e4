"""Refusals in the desk: never one click. Reject, ask for correction and suspend open a
confirmation step with the administrators' list of reasons and free text; the engine decides
whether a reason was given (docs/adr/0110)."""

from django.contrib.messages import get_messages
from django.urls import reverse

from ebakul.purchases.models import Purchase
from ebakul.workflow import services as wf
from ebakul.workflow.models import RefusalReason, WorkflowTransition

from .test_transitions import snapshot


def _confirm_url(purchase, action="reject"):
    return reverse("admin:purchases_purchase_workflow_confirm", args=[purchase.pk, action])


def test_reject_is_a_link_to_a_confirmation_step_not_a_button(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    client.force_login(world.verifier)
    html = client.get(reverse("admin:purchases_purchase_change", args=[purchase.pk])).content
    html = html.decode()
    assert 'name="wf_action" value="verify"' in html
    assert 'name="wf_action" value="reject"' not in html
    assert f'href="{_confirm_url(purchase)}"' in html


def test_the_confirmation_step_offers_the_reasons_of_its_kind(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    hidden = RefusalReason.objects.filter(kind="purchase_reject").order_by("order").last()
    hidden.active = False
    hidden.save()
    client.force_login(world.verifier)
    response = client.get(_confirm_url(purchase))
    assert response.status_code == 200
    html = response.content.decode()
    for reason in RefusalReason.objects.filter(kind="purchase_reject", active=True):
        assert reason.label in html
    assert hidden.label not in html
    # Another kind's reasons are not offered here.
    assert RefusalReason.objects.filter(kind="merchant_suspend").first().label not in html
    assert "Ya, Tolak" in html and "Batal" in html


def test_confirming_without_a_reason_is_refused_and_changes_nothing(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    before = snapshot(purchase)
    client.force_login(world.verifier)
    response = client.post(
        _confirm_url(purchase), {"wf_state": "merchant_confirmed", "reason": "", "comment": ""}
    )
    assert response.status_code == 400
    assert "memerlukan alasan" in response.content.decode()
    assert snapshot(Purchase.objects.get(pk=purchase.pk)) == before


def test_confirming_with_a_reason_rejects_and_records_it(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    reason = RefusalReason.objects.filter(kind="purchase_reject").order_by("order").first()
    client.force_login(world.verifier)
    response = client.post(
        _confirm_url(purchase),
        {"wf_state": "merchant_confirmed", "reason": reason.pk, "comment": "jumlah beda"},
    )
    assert response.status_code == 302
    purchase.refresh_from_db()
    assert purchase.status == "rejected"
    assert purchase.decision_reason == f"{reason.label}: jumlah beda"
    event = wf.document_history(document=purchase).get()
    assert (event.actor, event.reason) == (world.verifier, reason)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Ditolak" in m for m in messages)


def test_confirming_on_a_stale_page_is_refused(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    client.force_login(world.verifier)
    page = client.get(_confirm_url(purchase))
    assert page.status_code == 200
    wf.apply_action(document=purchase, action="verify", actor=world.admin)
    before = snapshot(purchase)
    response = client.post(
        _confirm_url(purchase), {"wf_state": "merchant_confirmed", "comment": "palsu"}
    )
    # The action is no longer open from "verified": back to the document, nothing changed.
    assert response.status_code == 302
    assert snapshot(Purchase.objects.get(pk=purchase.pk)) == before


def test_someone_without_the_right_cannot_reach_the_confirmation(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    before = snapshot(purchase)
    client.force_login(world.operator)
    response = client.post(
        _confirm_url(purchase), {"wf_state": "merchant_confirmed", "comment": "x"}
    )
    assert response.status_code in (302, 403, 404)
    assert snapshot(Purchase.objects.get(pk=purchase.pk)) == before


def test_suspend_is_not_the_main_button_after_verifying_a_merchant(world, client):
    merchant = world.merchant(status="submitted")
    client.force_login(world.verifier)
    change = reverse("admin:merchants_umkmmerchant_change", args=[merchant.pk])
    client.post(
        reverse("admin:merchants_umkmmerchant_workflow", args=[merchant.pk]),
        {"wf_action": "verify", "wf_state": "submitted"},
    )
    html = client.get(change).content.decode()
    assert 'name="wf_action" value="suspend"' not in html
    assert 'data-action="suspend"' in html
    confirm = reverse(
        "admin:merchants_umkmmerchant_workflow_confirm", args=[merchant.pk, "suspend"]
    )
    assert confirm in html
    page = client.get(confirm).content.decode()
    for reason in RefusalReason.objects.filter(kind="merchant_suspend", active=True):
        assert reason.label in page


def test_the_transition_editor_shows_the_reason_settings(world, client):
    transition = WorkflowTransition.objects.filter(code="reject").first()
    client.force_login(world.admin)
    html = client.get(
        reverse("admin:workflow_workflowtransition_change", args=[transition.pk])
    ).content.decode()
    assert 'name="requires_reason"' in html and 'name="reason_kind"' in html


def test_administrators_edit_the_list_of_reasons(world, client):
    client.force_login(world.admin)
    response = client.get(reverse("admin:workflow_refusalreason_changelist"))
    assert response.status_code == 200
    assert RefusalReason.objects.first().label in response.content.decode()
    response = client.post(
        reverse("admin:workflow_refusalreason_add"),
        {
            "kind": "purchase_reject",
            "label": "Belanja di luar jam kerja",
            "active": "on",
            "order": 5,
        },
    )
    assert response.status_code == 302
    assert RefusalReason.objects.filter(label="Belanja di luar jam kerja").exists()
