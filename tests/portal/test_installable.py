"""Installable web app and idempotent purchase drafts (issue 14, ADR 0162)."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ebakul.core.periods import WIB
from ebakul.purchases.models import Purchase
from ebakul.purchases.services import purchase_create
from tests.testing.images import receipt_upload

pytestmark = pytest.mark.django_db


def _form_data(merchant, **overrides):
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    data = {
        "merchant": merchant.pk,
        "purchased_at": when.strftime("%Y-%m-%dT%H:%M"),
        "amount": "25000",
        "payment_method": "cash",
        "receipt": receipt_upload(seed=11),
        "client_key": "0b1c2d3e-draft-1",
    }
    data.update(overrides)
    return data


def test_the_same_client_key_records_one_purchase(employee_client, employee, shop):
    url = reverse("portal:purchase_new")
    first = employee_client.post(url, _form_data(shop))
    second = employee_client.post(url, _form_data(shop, amount="99000"))
    purchase = Purchase.objects.get(employee=employee)
    assert purchase.client_key == "0b1c2d3e-draft-1" and purchase.amount == 25_000
    assert first["Location"] == second["Location"]
    # Without a key (an old page), purchases are simply recorded.
    employee_client.post(url, _form_data(shop, client_key=""))
    employee_client.post(url, _form_data(shop, client_key=""))
    assert Purchase.objects.filter(employee=employee).count() == 3


def test_the_key_is_per_employee(employee, other_employee, shop):
    when = timezone.now() - dt.timedelta(hours=1)
    common = {"merchant": shop, "purchased_at": when, "amount": 10_000, "client_key": "k-1"}
    mine = purchase_create(
        employee=employee, receipt=receipt_upload(seed=1), actor=employee.user, **common
    )
    theirs = purchase_create(
        employee=other_employee, receipt=receipt_upload(seed=2), actor=other_employee.user, **common
    )
    assert mine.pk != theirs.pk
    again = purchase_create(
        employee=employee, receipt=receipt_upload(seed=3), actor=employee.user, **common
    )
    assert again.pk == mine.pk and Purchase.objects.count() == 2


def test_manifest_service_worker_and_offline_page(client):
    manifest = client.get(reverse("portal:manifest"))
    assert manifest["Content-Type"].startswith("application/manifest+json")
    data = json.loads(manifest.content)
    assert data["start_url"] == "/" and {i["sizes"] for i in data["icons"]} == {
        "192x192",
        "512x512",
    }
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200

    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    # The shell only: no page of a user, no upload, no API.
    assert "/offline/" in body and "/pegawai/" not in body and "/nota/" not in body
    assert "/api/" not in body and "/media/" not in body

    offline = client.get(reverse("portal:offline")).content.decode()
    assert "Tidak ada koneksi" in offline
