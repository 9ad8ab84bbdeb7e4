"""Merchant verification in the review workbench (issue 13): the merchant's registration large
on the left with zoom, rotate and full screen like a receipt, its panel on the right, and the
same keyboard actions through the workflow engine."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ebakul.merchants.models import UmkmMerchant
from ebakul.workflow import services as wf
from ebakul.workflow.models import Assignment

pytestmark = pytest.mark.django_db


def _submitted(world):
    merchant = world.merchant(status="draft", business_name="Tahu Campur Cak Man")
    wf.apply_action(document=merchant, action="submit", actor=world.merchant_owner)
    return UmkmMerchant.objects.get(pk=merchant.pk)


def test_a_merchant_task_shows_its_registration_large_with_the_tools(world, client):
    merchant = _submitted(world)
    task = Assignment.objects.get(
        document_type="merchants.umkmmerchant", object_id=merchant.pk, active=True
    )
    client.force_login(task.assignee)
    url = reverse("workbench:task", args=["penjual", merchant.pk])
    assert client.get(reverse("workbench:start"))["Location"] == url
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert 'id="wb-doc"' in html and 'data-tool="zoom-in"' in html and 'data-tool="full"' in html
    assert merchant.nib in html and "Tahu Campur Cak Man" in html
    assert 'id="wb-panel-merchant"' in html
    assert 'data-key="V"' in html and 'data-key="T"' in html and 'data-key="P"' in html
    assert len(queries) < 40

    response = client.post(
        reverse("workbench:act", args=["penjual", merchant.pk]), {"action": "verify"}
    )
    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.status == "verified"
