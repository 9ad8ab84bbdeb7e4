"""Merchant portal through the Django client: registration, status, sales, poster, scoping."""

import pytest
from django.urls import reverse

from ebakul.accounts.models import User
from ebakul.merchants.models import UmkmMerchant
from ebakul.purchases.models import Purchase
from tests.factories import MerchantFactory, PurchaseFactory

pytestmark = pytest.mark.django_db


def _business_data(**overrides):
    from ebakul.core.identifiers import make_nib, make_nik
    from ebakul.merchants.models import Kecamatan, MerchantCategory

    data = {
        "business_name": "Tahu Campur Cak Man",
        "owner_name": "Sulaiman",
        "owner_nik": make_nik(777),
        "nib": make_nib(777),
        "category": MerchantCategory.objects.get(code="makanan-minuman").pk,
        "kecamatan": Kecamatan.objects.get(name="Bojonegoro").pk,
        "village": "Kadipaten",
        "address": "Jl. Veteran 5",
        "phone": "081234567890",
        "qris_nmid": "",
    }
    data.update(overrides)
    return data


def test_self_registration_enters_the_workflow(client, ref):
    response = client.post(
        reverse("portal:merchant_register"),
        {
            "full_name": "Sulaiman",
            "username": "cakman",
            "email": "cakman@example.invalid",
            "password1": "tahu-campur-2026",
            "password2": "tahu-campur-2026",
        },
    )
    assert response["Location"] == reverse("portal:merchant_business")
    user = User.objects.get(username="cakman")
    assert user.groups.filter(name="Pelaku Usaha").exists()

    response = client.post(reverse("portal:merchant_business"), _business_data())
    assert response["Location"] == reverse("portal:merchant_home")
    merchant = UmkmMerchant.objects.get(user=user)
    assert merchant.status == "submitted"

    html = client.get(reverse("portal:merchant_home")).content.decode()
    assert "Tahu Campur Cak Man" in html and "Diajukan" in html


def test_registration_refuses_bad_identifiers_in_indonesian(merchant_client, merchant_user):
    response = merchant_client.post(
        reverse("portal:merchant_business"), _business_data(owner_nik="123", nib="12")
    )
    assert response.status_code == 200
    assert not UmkmMerchant.objects.filter(user=merchant_user).exists()
    from django.utils import translation

    from ebakul.core.validators import MSG_NIB_FORMAT, MSG_NIK_FORMAT

    errors = response.context["form"].errors
    with translation.override("id"):
        assert errors["owner_nik"] == [str(MSG_NIK_FORMAT)]
        assert errors["nib"] == [str(MSG_NIB_FORMAT)]
        assert str(MSG_NIK_FORMAT).startswith("NIK harus")


def test_account_step_refuses_mismatched_passwords_and_taken_username(client, merchant_user):
    response = client.post(
        reverse("portal:merchant_register"),
        {
            "full_name": "X",
            "username": merchant_user.username,
            "email": "x@example.invalid",
            "password1": "tahu-campur-2026",
            "password2": "tahu-campur-2027",
        },
    )
    errors = response.context["form"].errors
    assert "username" in errors and "password2" in errors
    assert User.objects.filter(username=merchant_user.username).count() == 1


def test_needs_fix_shows_the_note_and_fix_resubmits(merchant_client, merchant_user):
    merchant = MerchantFactory(
        user=merchant_user, status="needs_fix", status_note="Foto KTP kurang jelas", phone=""
    )
    html = merchant_client.get(reverse("portal:merchant_home")).content.decode()
    assert "Foto KTP kurang jelas" in html and "Perbaiki dan kirim ulang" in html

    data = _business_data(
        nib=merchant.nib, owner_nik=merchant.owner_nik, business_name=merchant.business_name
    )
    response = merchant_client.post(reverse("portal:merchant_business"), data)
    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.status == "submitted"
    assert merchant.phone == "081234567890"


def test_verified_business_cannot_be_edited_from_the_portal(merchant_client, shop):
    response = merchant_client.post(
        reverse("portal:merchant_business"), _business_data(business_name="Nama Baru")
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.business_name == "Warung Bu Sri"


def test_rejected_shows_the_reason(merchant_client, merchant_user):
    MerchantFactory(user=merchant_user, status="rejected", status_note="Bukan usaha mikro")
    html = merchant_client.get(reverse("portal:merchant_home")).content.decode()
    assert "Bukan usaha mikro" in html and "Ditolak" in html


def test_sales_list_shows_only_own_sales(merchant_client, shop, other_shop, employee):
    mine = PurchaseFactory(merchant=shop, employee=employee)
    theirs = PurchaseFactory(merchant=other_shop, employee=employee)
    html = merchant_client.get(reverse("portal:merchant_sales")).content.decode()
    assert mine.document_number in html
    assert theirs.document_number not in html
    assert reverse("portal:merchant_sale_action", args=[mine.pk, "confirm"]) in html


def test_sales_list_query_count_is_bounded(
    merchant_client, shop, employee, django_assert_max_num_queries
):
    for _ in range(15):
        PurchaseFactory(merchant=shop, employee=employee)
    with django_assert_max_num_queries(12):
        response = merchant_client.get(reverse("portal:merchant_sales"))
    assert response.content.decode().count('id="sale-') == 15


def test_merchant_confirms_own_sale_through_the_workflow(merchant_client, shop, employee):
    sale = PurchaseFactory(merchant=shop, employee=employee)
    response = merchant_client.post(
        reverse("portal:merchant_sale_action", args=[sale.pk, "confirm"])
    )
    assert response.status_code == 302
    sale.refresh_from_db()
    assert sale.status == "merchant_confirmed"
    from ebakul.workflow.services import document_history

    assert [e.action for e in document_history(document=sale)] == ["confirm"]


def test_merchant_disputes_with_a_reason(merchant_client, shop, employee):
    sale = PurchaseFactory(merchant=shop, employee=employee)
    url = reverse("portal:merchant_sale_action", args=[sale.pk, "dispute"])
    merchant_client.post(url, {"comment": ""})
    sale.refresh_from_db()
    assert sale.status == "submitted"  # a dispute needs a reason

    merchant_client.post(url, {"comment": "Tidak ada transaksi hari itu"})
    sale.refresh_from_db()
    assert sale.status == "merchant_disputed"
    assert sale.merchant_note == "Tidak ada transaksi hari itu"


@pytest.mark.parametrize("action", ["confirm", "dispute"])
def test_merchant_cannot_act_on_another_merchants_sale(
    merchant_client, shop, other_shop, employee, action
):
    theirs = PurchaseFactory(merchant=other_shop, employee=employee)
    response = merchant_client.post(
        reverse("portal:merchant_sale_action", args=[theirs.pk, action]), {"comment": "palsu"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "submitted" and theirs.merchant_note == ""
    assert merchant_client.get(reverse("portal:receipt", args=[theirs.pk])).status_code == 404


def test_unknown_sale_action_is_refused(merchant_client, shop, employee):
    sale = PurchaseFactory(merchant=shop, employee=employee)
    response = merchant_client.post(
        reverse("portal:merchant_sale_action", args=[sale.pk, "verify"])
    )
    assert response.status_code == 403
    sale.refresh_from_db()
    assert sale.status == "submitted"


def test_employee_cannot_confirm_a_sale(employee_client, shop, employee):
    sale = PurchaseFactory(merchant=shop, employee=employee)
    response = employee_client.post(
        reverse("portal:merchant_sale_action", args=[sale.pk, "confirm"])
    )
    assert response.status_code == 403
    sale.refresh_from_db()
    assert sale.status == "submitted"


def test_monthly_totals(merchant_client, shop, employee):
    PurchaseFactory(merchant=shop, employee=employee, amount=100_000, status="verified")
    PurchaseFactory(merchant=shop, employee=employee, amount=40_000, status="submitted")
    PurchaseFactory(merchant=shop, employee=employee, amount=999_000, status="draft")
    response = merchant_client.get(reverse("portal:merchant_home"))
    [row] = response.context["totals"]
    assert (row["count"], row["verified"], row["pending"]) == (2, 100_000, 40_000)
    assert "Rp100.000" in response.content.decode()


def test_poster_has_a_qr_code_opening_the_purchase_form(merchant_client, shop):
    html = merchant_client.get(reverse("portal:merchant_poster")).content.decode()
    assert "<svg" in html and "@media print" not in html  # print styles live in the CSS file
    assert f"/pegawai/belanja/baru/?merchant={shop.pk}" in html
    assert "Warung Bu Sri" in html


def test_poster_qr_decodes_to_the_purchase_link(shop):
    from ebakul.portal.views_merchant import qr_svg

    svg = qr_svg("http://testserver/pegawai/belanja/baru/?merchant=1")
    assert svg.startswith("<svg") or svg.startswith("<?xml")
    assert "path" in svg


def test_purchases_total_unchanged_by_merchant_pages(merchant_client, shop):
    before = Purchase.objects.count()
    merchant_client.get(reverse("portal:merchant_home"))
    merchant_client.get(reverse("portal:merchant_sales"))
    assert Purchase.objects.count() == before
