"""The merchant portal and the ``merchant_is_verified`` condition read the merchant workflow's
flags and labels (issue 12, ADR 0125), not the codes of ``MerchantStatus``: an administrator's
copy of the workflow with renamed states is followed without a line of code changing."""

import copy
import datetime as dt

import pytest
from django.urls import reverse

from ebakul.core.reference import read_fixture
from ebakul.merchants.models import UmkmMerchant
from ebakul.merchants.selectors import merchant_verified
from ebakul.merchants.services import merchant_status_changed
from ebakul.workflow import reference, selectors
from ebakul.workflow.models import WorkflowDefinition
from tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

RENAMED = {"submitted": "antre", "verified": "aktif", "rejected": "ditolak_tetap"}


def _renamed_merchant_spec() -> dict:
    spec = copy.deepcopy(
        next(
            s
            for s in read_fixture("workflows.json")
            if s["document_type"] == "merchants.umkmmerchant"
        )
    )
    for s in spec["states"]:
        if s["code"] in RENAMED:
            s["code"] = RENAMED[s["code"]]
    spec["states"][[s["code"] for s in spec["states"]].index("aktif")]["label"] = "Aktif jualan"
    spec["states"][[s["code"] for s in spec["states"]].index("antre")]["label"] = "Dalam antrean"
    for t in spec["transitions"]:
        t["from"] = RENAMED.get(t["from"], t["from"])
        t["to"] = RENAMED.get(t["to"], t["to"])
    return spec


@pytest.fixture
def renamed(ref):
    WorkflowDefinition.objects.filter(document_type="merchants.umkmmerchant").delete()
    definition = reference.create_definition(_renamed_merchant_spec())
    selectors.reset_cache()
    return definition


def _set_status(merchant, code):
    UmkmMerchant.objects.filter(pk=merchant.pk).update(status=code)
    merchant.refresh_from_db()
    selectors.reset_cache()


def test_the_home_page_follows_renamed_states(renamed, shop, merchant_client):
    _set_status(shop, "aktif")
    html = merchant_client.get(reverse("portal:merchant_home")).content.decode()
    assert "Aktif jualan" in html
    assert "Cetak poster QR" in html  # the verified phase, read from its flag

    _set_status(shop, "antre")
    html = merchant_client.get(reverse("portal:merchant_home")).content.decode()
    assert "Dalam antrean" in html
    assert "menunggu verifikator" in html
    assert "Cetak poster QR" not in html

    # the old code is no state of this workflow any more: nothing claims it is verified
    _set_status(shop, "verified")
    html = merchant_client.get(reverse("portal:merchant_home")).content.decode()
    assert "Cetak poster QR" not in html


def test_the_condition_reads_counts_as_verified(renamed, shop):
    purchase = PurchaseFactory(merchant=shop)
    _set_status(shop, "aktif")
    # the span a real transition into the renamed verified state opens
    merchant_status_changed(
        merchant=shop, old="draft", new="aktif", at=purchase.purchased_at - dt.timedelta(days=1)
    )
    purchase.merchant = shop
    assert merchant_verified(shop) is True
    assert merchant_verified(purchase) is True
    _set_status(shop, "verified")
    purchase.merchant = shop
    assert merchant_verified(shop) is False
    assert merchant_verified(purchase) is False


def test_a_refused_purchase_shows_its_reason_by_the_final_flag(
    shop, employee, employee_client, ref
):
    purchase = PurchaseFactory(employee=employee, merchant=shop, status="rejected")
    purchase.decision_reason = "Struk tidak terbaca"
    purchase.save()
    html = employee_client.get(reverse("portal:purchase_detail", args=[purchase.pk])).content
    assert "Struk tidak terbaca" in html.decode()
