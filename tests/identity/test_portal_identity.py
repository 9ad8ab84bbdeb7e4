"""The portal and desk pieces of issue 15 owned here: a merchant adds its QRIS by photo or text;
an employee picks the business by scanning its QRIS or eBakul poster; the purchase form's OCR
pre-fill; the desk shows the OCR text; NIK/KK masked for verifiers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ebakul.core.identifiers import make_nik
from ebakul.merchants.models import UmkmMerchant
from ebakul.purchases.services import receipt_reading_store
from tests.factories import EmployeeFactory, MerchantFactory, PurchaseFactory, verified_merchant

from .qris_samples import qr_upload, qris_payload
from .receipt_images import receipt_file

pytestmark = pytest.mark.django_db


def test_merchant_adds_qris_by_photo(client, merchant_user):
    merchant = verified_merchant(user=merchant_user, business_name="Warung Bu Sri")
    client.force_login(merchant_user)
    assert client.get(reverse("portal:merchant_qris")).status_code == 200
    response = client.post(reverse("portal:merchant_qris"), {"photo": qr_upload(qris_payload())})
    assert response.status_code == 302 and response["Location"] == reverse("portal:merchant_home")
    merchant.refresh_from_db()
    assert (merchant.qris_nmid, merchant.qris_name) == ("ID1020021181745", "WARUNG BU SRI")
    home = client.get(reverse("portal:merchant_home")).content.decode()
    assert "ID1020021181745" in home


def test_merchant_pastes_qris_and_a_damaged_one_is_refused_with_the_reason(client, merchant_user):
    merchant = verified_merchant(user=merchant_user)
    client.force_login(merchant_user)
    response = client.post(
        reverse("portal:merchant_qris"),
        {"payload": qris_payload()[:-1] + "0"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 200
    assert "Kode QRIS rusak" in response.content.decode()
    merchant.refresh_from_db()
    assert merchant.qris_nmid == ""
    client.post(reverse("portal:merchant_qris"), {"payload": qris_payload(nmid="ID1020000000042")})
    merchant.refresh_from_db()
    assert merchant.qris_nmid == "ID1020000000042"


def test_empty_qris_form_is_refused(client, merchant_user):
    verified_merchant(user=merchant_user)
    client.force_login(merchant_user)
    response = client.post(reverse("portal:merchant_qris"), {})
    assert response.status_code == 200 and "form-errors" in response.content.decode()


def test_a_merchant_changes_only_its_own_qris(client, merchant_user):
    other = verified_merchant(business_name="Usaha Orang Lain")
    verified_merchant(user=merchant_user)
    client.force_login(merchant_user)
    client.post(reverse("portal:merchant_qris"), {"payload": qris_payload()})
    other.refresh_from_db()
    assert other.qris_nmid == ""


def test_employee_picks_the_business_by_scanning_its_qris(client, employee_user):
    merchant = verified_merchant(qris_nmid="ID1020021181745")
    client.force_login(employee_user)
    response = client.post(reverse("portal:merchant_scan"), {"photo": qr_upload(qris_payload())})
    assert response["Location"] == reverse("portal:purchase_new") + f"?merchant={merchant.pk}"


def test_employee_picks_the_business_by_scanning_its_poster(client, employee_user):
    merchant = verified_merchant()
    poster = "http://testserver" + reverse("portal:purchase_new") + f"?merchant={merchant.pk}"
    client.force_login(employee_user)
    response = client.post(reverse("portal:merchant_scan"), {"photo": qr_upload(poster)})
    assert response["Location"] == reverse("portal:purchase_new") + f"?merchant={merchant.pk}"


def test_scanning_an_unverified_or_unknown_code_goes_back_with_a_message(client, employee_user):
    MerchantFactory(qris_nmid="ID1020021181745")  # a draft registration: not selectable
    client.force_login(employee_user)
    for photo in (qr_upload(qris_payload()), qr_upload("https://example.org/promo")):
        response = client.post(reverse("portal:merchant_scan"), {"photo": photo}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("portal:merchant_pick")
        assert "pelaku usaha terverifikasi" in response.content.decode()


def test_scan_is_for_employees_only_and_post_only(client, merchant_user, employee_user):
    client.force_login(merchant_user)
    assert client.post(reverse("portal:merchant_scan"), {}).status_code == 403
    client.force_login(employee_user)
    assert client.get(reverse("portal:merchant_scan")).status_code == 405


def test_receipt_prefill_reads_total_and_date(client, employee_user, monkeypatch):
    # The portal's limit is 4 s; on this shared test machine Tesseract may need longer.
    monkeypatch.setattr("ebakul.portal.views_employee.PREFILL_TIME_LIMIT", 60)
    client.force_login(employee_user)
    response = client.post(
        reverse("portal:receipt_prefill"),
        {"receipt": receipt_file(total="Rp 40.000,-", date="12/10/2026")},
    )
    assert response.status_code == 200
    assert response.json()["amount"] == 40_000
    assert response.json()["date"] in ("2026-10-12", None)  # None only if the date is ahead


def test_receipt_prefill_past_its_time_limit_answers_nothing(client, employee_user, monkeypatch):
    monkeypatch.setattr("ebakul.portal.views_employee.PREFILL_TIME_LIMIT", 0.001)
    client.force_login(employee_user)
    response = client.post(reverse("portal:receipt_prefill"), {"receipt": receipt_file()})
    assert response.status_code == 200
    assert response.json() == {"amount": None, "date": None}


def test_receipt_prefill_of_a_non_image_answers_nothing(client, employee_user):
    client.force_login(employee_user)
    response = client.post(
        reverse("portal:receipt_prefill"), {"receipt": SimpleUploadedFile("x.jpg", b"not a photo")}
    )
    assert response.json() == {"amount": None, "date": None}


def test_desk_shows_the_ocr_text_to_the_verifier(client, verifier):
    purchase = PurchaseFactory()
    receipt_reading_store(
        purchase_id=purchase.pk,
        receipt_sha256=purchase.receipt_sha256,
        text="WARUNG MAKAN BU SRI\nTOTAL Rp 40.000,-",
        amount=40_000,
    )
    client.force_login(verifier)
    page = client.get(reverse("admin:purchases_purchase_change", args=[purchase.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "WARUNG MAKAN BU SRI" in html and "Rp40.000" in html


def test_verifier_sees_owner_kk_masked_and_admin_in_full(client, verifier, admin_user):
    kk = "3522010101200003"
    merchant = verified_merchant(owner_kk=kk, owner_nik=make_nik(9901))
    url = reverse("admin:merchants_umkmmerchant_change", args=[merchant.pk])
    client.force_login(verifier)
    html = client.get(url).content.decode()
    assert kk not in html and "3522**********03" in html
    client.force_login(admin_user)
    assert kk in client.get(url).content.decode()


def test_employee_nik_is_masked_for_an_operator(client, operator_user):
    from ebakul.employees.models import WorkUnit

    nik = make_nik(9902)
    employee = EmployeeFactory(nik=nik, work_unit=WorkUnit.objects.get(code="DINKES"))
    client.force_login(operator_user)
    html = client.get(
        reverse("admin:employees_employee_change", args=[employee.pk])
    ).content.decode()
    assert nik not in html and employee.nik_masked in html
    history = client.get(
        reverse("admin:employees_employee_history", args=[employee.pk])
    ).content.decode()
    assert nik not in history


def test_merchant_registration_takes_the_owner_kk_and_refuses_a_bad_one(client, merchant_user):
    from ebakul.core.identifiers import make_nib
    from ebakul.merchants.models import Kecamatan, MerchantCategory

    client.force_login(merchant_user)
    page = client.get(reverse("portal:merchant_business")).content.decode()
    assert 'name="owner_kk"' in page
    data = {
        "business_name": "Dapur Bu Tini",
        "owner_name": "Tini",
        "owner_nik": make_nik(9903, female=True),
        "owner_kk": "12",
        "nib": make_nib(9903),
        "category": MerchantCategory.objects.get(code="makanan-minuman").pk,
        "kecamatan": Kecamatan.objects.get(name="Dander").pk,
        "village": "Dander",
        "address": "Jl. Raya Dander 5",
        "phone": "",
        "qris_nmid": "",
    }
    refused = client.post(reverse("portal:merchant_business"), data, HTTP_ACCEPT_LANGUAGE="id")
    assert (
        refused.status_code == 200 and "Nomor KK harus tepat 16 digit" in refused.content.decode()
    )
    assert not UmkmMerchant.objects.filter(nib=make_nib(9903)).exists()
    client.post(reverse("portal:merchant_business"), {**data, "owner_kk": "3522010101200003"})
    merchant = UmkmMerchant.objects.get(nib=make_nib(9903))
    assert merchant.owner_kk_hash and merchant.owner_kk_masked == "3522**********03"
