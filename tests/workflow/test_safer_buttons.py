"""Safer buttons (issue 13): one primary action, refusals in the danger style behind a
confirmation, and no "Simpan" on a record nobody may change."""

import re

from django.urls import reverse

from ebakul.workflow.models import WorkflowEvent


def test_refusals_are_never_the_primary_button(world, client):
    purchase = world.purchase(status="merchant_confirmed")
    client.force_login(world.verifier)
    html = client.get(reverse("admin:purchases_purchase_change", args=[purchase.pk])).content
    panel = html.decode().split('id="workflow-actions"', 1)[1].split("</form>", 1)[0]
    primary = re.findall(r'<button[^>]*class="bg-primary-600[^"]*"[^>]*value="([a-z_]+)"', panel)
    primary += re.findall(r'value="([a-z_]+)"[^>]*class="bg-primary-600', panel)
    assert primary == ["verify"]
    rest = html.decode().split('id="workflow-refusals"', 1)[1]
    assert re.search(r'data-action="reject" class="border border-red-600', rest)


def test_read_only_records_show_no_save_button(world, client):
    purchase = world.purchase(status="submitted")
    event = WorkflowEvent.objects.filter(
        object_id=purchase.pk
    ).first() or WorkflowEvent.objects.create(
        document_type="purchases.purchase",
        object_id=purchase.pk,
        to_state="submitted",
        action="submit",
    )
    client.force_login(world.admin)
    response = client.get(reverse("admin:workflow_workflowevent_change", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert ">Simpan<" not in html
