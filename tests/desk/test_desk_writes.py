"""Writes in the desk go through services; a bad value gets a field message and saves nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from ebakul.accounts.desk import desk_has_permission  # noqa: F401  (import check)
from ebakul.core.errors import DomainError
from ebakul.core.identifiers import make_nib, make_nik, make_nip
from ebakul.core.models import DocumentSequence
from ebakul.core.periods import WIB, period_of
from ebakul.core.validators import (
    MSG_AMOUNT_POSITIVE,
    MSG_NIK_BIRTH_DATE,
    MSG_NIP_APPOINTMENT,
    MSG_NIP_FORMAT,
    MSG_NOT_IN_FUTURE,
)
from ebakul.employees.models import Employee, EmployeeClass, WorkUnit
from ebakul.merchants.models import (
    ChainDenyEntry,
    Kecamatan,
    MerchantCategory,
    MerchantStatus,
    UmkmMerchant,
)
from ebakul.purchases.models import Purchase, PurchaseStatus
from ebakul.purchases.receipts import MSG_RECEIPT_NOT_IMAGE
from tests.factories import EmployeeFactory, MerchantFactory, PurchaseFactory, verified_merchant
from tests.testing.images import receipt_image_bytes

# --- helpers -----------------------------------------------------------------------------------


def form_errors(response) -> dict[str, list[str]]:
    """The field errors of the admin form in a re-rendered add/change page, as plain text in the
    language the page was rendered in."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return {field: [str(m) for m in errs] for field, errs in form.errors.items()}


def msg(text, lang="id", **params):
    with translation.override(lang):
        return str(text) % params if params else str(text)


def snapshot():
    """Everything a refused desk write could have touched."""
    return {
        "employees": Employee.objects.count(),
        "employee_history": Employee.history.count(),
        "merchants": UmkmMerchant.objects.count(),
        "merchant_history": UmkmMerchant.history.count(),
        "purchases": Purchase.objects.count(),
        "purchase_history": Purchase.history.count(),
        "sequences": list(DocumentSequence.objects.values_list("prefix", "last_value")),
    }


def employee_post(**overrides):
    data = {
        "nip": make_nip(4242),
        "name": "Siti Aminah",
        "employee_type": "PNS",
        "employee_class": EmployeeClass.objects.get(number=9).pk,
        "work_unit": WorkUnit.objects.get(code="DINKES").pk,
        "tpp_ceiling": "",
        "home_kecamatan": "",
        "active": "on",
        "active_from": "",
        "active_to": "",
        "user": "",
    }
    data.update(overrides)
    return data


def merchant_post(**overrides):
    data = {
        "business_name": "Warung Pecel Mbok Yem",
        "nib": make_nib(777),
        "category": MerchantCategory.objects.get(code="makanan-minuman").pk,
        "scale": "micro",
        "qris_nmid": "",
        "owner_name": "Yem",
        "owner_nik": make_nik(777, female=True),
        "phone": "081234567890",
        "user": "",
        "kecamatan": Kecamatan.objects.get(name="Bojonegoro").pk,
        "village": "Kadipaten",
        "address": "Jl. Diponegoro 5",
        "latitude": "",
        "longitude": "",
        "verification_spans-TOTAL_FORMS": "0",
        "verification_spans-INITIAL_FORMS": "0",
        "verification_spans-MIN_NUM_FORMS": "0",
        "verification_spans-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def purchase_post(employee, merchant, *, when=None, receipt=None, **overrides):
    when = (when or timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    data = {
        "employee": employee.pk,
        "merchant": merchant.pk,
        "purchased_at_0": when.strftime("%Y-%m-%d"),
        "purchased_at_1": when.strftime("%H:%M:%S"),
        "amount": "75000",
        "category": merchant.category_id,
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": receipt
        or SimpleUploadedFile("nota.jpg", receipt_image_bytes(seed=99), "image/jpeg"),
    }
    data.update(overrides)
    return data


EMPLOYEE_ADD = reverse("admin:employees_employee_add")
MERCHANT_ADD = reverse("admin:merchants_umkmmerchant_add")
PURCHASE_ADD = reverse("admin:purchases_purchase_add")


# --- employees ---------------------------------------------------------------------------------


def test_employee_created_in_the_desk_through_the_service(admin_client, desk_admin):
    response = admin_client.post(EMPLOYEE_ADD, employee_post())
    assert response.status_code == 302, form_errors(response)
    employee = Employee.objects.get(nip=make_nip(4242))
    assert employee.work_unit.code == "DINKES"
    assert employee.history.get().history_user == desk_admin


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("19850101201001100", MSG_NIP_FORMAT),  # 17 digits
        ("1985010120100110ab", MSG_NIP_FORMAT),  # letters
        ("198501012010011", MSG_NIP_FORMAT),
        ("198501011980011001", MSG_NIP_APPOINTMENT),  # appointed before birth
    ],
)
def test_bad_nip_in_the_desk_gets_a_message_and_saves_nothing(admin_client, nip, message):
    before = snapshot()
    response = admin_client.post(EMPLOYEE_ADD, employee_post(nip=nip))
    assert msg(message) in form_errors(response)["nip"]
    assert snapshot() == before


def test_employee_change_with_bad_nip_changes_nothing(admin_client):
    employee = EmployeeFactory(name="Budi")
    url = reverse("admin:employees_employee_change", args=[employee.pk])
    data = employee_post(
        nip="19850101198001100",
        name="Budi Baru",
        employee_class=employee.employee_class_id,
        work_unit=employee.work_unit_id,
    )
    before = snapshot()
    response = admin_client.post(url, data)
    assert msg(MSG_NIP_FORMAT) in form_errors(response)["nip"]
    employee.refresh_from_db()
    assert employee.name == "Budi"
    assert snapshot() == before


# --- merchants ---------------------------------------------------------------------------------


def test_merchant_created_in_the_desk_is_a_numbered_draft(admin_client, desk_admin):
    response = admin_client.post(MERCHANT_ADD, merchant_post())
    assert response.status_code == 302, form_errors(response)
    merchant = UmkmMerchant.objects.get(nib=make_nib(777))
    assert merchant.status == MerchantStatus.DRAFT
    assert merchant.document_number.startswith("EBK-UMKM-")
    assert merchant.history.get().history_user == desk_admin


def test_merchant_nik_with_impossible_date_is_refused(admin_client):
    before = snapshot()
    # day 32 is neither a man's day (1-31) nor a woman's (41-71)
    response = admin_client.post(MERCHANT_ADD, merchant_post(owner_nik="3522013202900001"))
    assert msg(MSG_NIK_BIRTH_DATE) in form_errors(response)["owner_nik"]
    assert snapshot() == before


def test_merchant_named_like_a_chain_is_refused(admin_client):
    ChainDenyEntry.objects.get_or_create(name="Indomaret")
    before = snapshot()
    response = admin_client.post(MERCHANT_ADD, merchant_post(business_name="INDOMARET Kalitidu"))
    errors = form_errors(response)
    assert "business_name" in errors
    assert snapshot() == before


def test_merchant_status_cannot_be_posted(admin_client):
    merchant = MerchantFactory(status=MerchantStatus.DRAFT)
    url = reverse("admin:merchants_umkmmerchant_change", args=[merchant.pk])
    data = merchant_post(
        business_name=merchant.business_name,
        nib=merchant.nib,
        owner_nik=merchant.owner_nik,
        status=MerchantStatus.VERIFIED,
        document_number="HACKED",
        phone="081200000000",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    merchant.refresh_from_db()
    assert merchant.phone == "081200000000"  # the edit went through...
    assert merchant.status == MerchantStatus.DRAFT  # ...but not the status
    assert merchant.document_number != "HACKED"


def test_verified_merchant_is_read_only_in_the_desk(admin_client):
    merchant = verified_merchant(business_name="Toko Lama")
    url = reverse("admin:merchants_umkmmerchant_change", args=[merchant.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "business_name" not in response.context["adminform"].form.fields
    response = admin_client.post(url, merchant_post(business_name="Toko Baru"))
    merchant.refresh_from_db()
    assert merchant.business_name == "Toko Lama"


# --- purchases ---------------------------------------------------------------------------------


@pytest.fixture
def parties(ref):
    return EmployeeFactory(), verified_merchant()


def test_purchase_created_in_the_desk_through_the_service(admin_client, desk_admin, parties):
    employee, merchant = parties
    response = admin_client.post(PURCHASE_ADD, purchase_post(employee, merchant))
    assert response.status_code == 302, form_errors(response)
    purchase = Purchase.objects.get(employee=employee)
    assert purchase.status == PurchaseStatus.DRAFT
    assert purchase.document_number == f"EBK-PUR-{purchase.period}-00001"
    assert purchase.period == period_of(purchase.purchased_at)
    assert len(purchase.receipt_sha256) == 64
    assert purchase.created_by == desk_admin
    assert purchase.amount == 75_000


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("amount", {"amount": "0"}, MSG_AMOUNT_POSITIVE),
        ("purchased_at", {"future": True}, MSG_NOT_IN_FUTURE),
        ("receipt", {"receipt": "pdf"}, None),
        ("receipt", {"receipt": "fake-jpg"}, None),
    ],
)
def test_bad_purchase_in_the_desk_saves_nothing(admin_client, parties, field, overrides, message):
    employee, merchant = parties
    kwargs = {}
    if overrides.pop("future", False):
        kwargs["when"] = timezone.now() + dt.timedelta(days=2)
    receipt = overrides.pop("receipt", None)
    if receipt == "pdf":
        kwargs["receipt"] = SimpleUploadedFile("nota.pdf", b"%PDF-1.4 fake", "application/pdf")
    elif receipt == "fake-jpg":
        kwargs["receipt"] = SimpleUploadedFile("nota.jpg", b"not an image at all", "image/jpeg")
    before = snapshot()
    response = admin_client.post(
        PURCHASE_ADD, purchase_post(employee, merchant, **kwargs, **overrides)
    )
    errors = form_errors(response)
    assert field in errors
    if message is not None:
        assert msg(message) in errors[field]
    assert snapshot() == before


def test_receipt_with_image_name_but_wrong_format_gets_the_receipt_message(admin_client, parties):
    employee, merchant = parties
    # A real image, but a format the programme does not accept (GIF).
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buf, format="GIF")
    receipt = SimpleUploadedFile("nota.gif", buf.getvalue(), "image/gif")
    before = snapshot()
    response = admin_client.post(PURCHASE_ADD, purchase_post(employee, merchant, receipt=receipt))
    assert msg(MSG_RECEIPT_NOT_IMAGE) in form_errors(response)["receipt"]
    assert snapshot() == before


def test_submitted_purchase_is_read_only_and_a_post_changes_nothing(admin_client, ref):
    purchase = PurchaseFactory(status=PurchaseStatus.SUBMITTED, amount=50_000)
    url = reverse("admin:purchases_purchase_change", args=[purchase.pk])
    response = admin_client.get(url)
    assert "amount" not in response.context["adminform"].form.fields
    admin_client.post(
        url,
        purchase_post(purchase.employee, purchase.merchant, amount="999999", status="verified"),
    )
    purchase.refresh_from_db()
    assert purchase.amount == 50_000
    assert purchase.status == PurchaseStatus.SUBMITTED


def test_a_service_refusal_rolls_back_and_shows_the_message(admin_client, parties, monkeypatch):
    """A rule only the service knows (e.g. a duplicate receipt) still ends as a form message,
    and whatever the service wrote before refusing is rolled back."""
    from ebakul.purchases import admin as purchases_admin
    from ebakul.purchases import services

    def create_then_refuse(**kwargs):
        services.purchase_create(**kwargs)  # writes, takes a document number...
        raise DomainError("Nota ini sudah dipakai.", field="receipt")  # ...then refuses

    monkeypatch.setattr(purchases_admin, "purchase_create", create_then_refuse)
    employee, merchant = parties
    before = snapshot()
    response = admin_client.post(PURCHASE_ADD, purchase_post(employee, merchant))
    assert "Nota ini sudah dipakai." in form_errors(response)["receipt"]
    assert snapshot() == before


def test_history_revert_is_refused(admin_client, ref):
    purchase = PurchaseFactory(status=PurchaseStatus.DRAFT, amount=50_000)
    purchase.status = PurchaseStatus.VERIFIED
    purchase.save()
    old = purchase.history.order_by("history_id").first()
    url = reverse("admin:purchases_purchase_simple_history", args=[purchase.pk, old.history_id])
    response = admin_client.post(url, purchase_post(purchase.employee, purchase.merchant))
    assert response.status_code == 403
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.VERIFIED
