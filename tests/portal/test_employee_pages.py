"""Employee self-service through the Django client: pages, recording purchases, bad input,
scoping."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ebakul.core.models import Notification
from ebakul.core.periods import WIB
from ebakul.core.validators import MSG_AMOUNT_POSITIVE, MSG_NOT_IN_FUTURE
from ebakul.portal.forms import MSG_MERCHANT_NOT_SELECTABLE
from ebakul.purchases.models import Purchase
from ebakul.purchases.receipts import MSG_RECEIPT_NOT_IMAGE
from tests.factories import PurchaseFactory
from tests.testing.images import receipt_upload

pytestmark = pytest.mark.django_db


def _form_data(merchant, **overrides):
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    data = {
        "merchant": merchant.pk,
        "purchased_at": when.strftime("%Y-%m-%dT%H:%M"),
        "amount": "75.000",
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": receipt_upload(seed=42),
    }
    data.update(overrides)
    return data


def test_home_shows_this_months_progress(employee_client, employee, shop):
    PurchaseFactory(employee=employee, merchant=shop, amount=120_000, status="verified")
    PurchaseFactory(employee=employee, merchant=shop, amount=30_000, status="submitted")

    response = employee_client.get(reverse("portal:employee_home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="progress-verified">Rp120.000<' in html
    assert 'id="progress-pending">Rp30.000<' in html
    assert 'role="progressbar"' in html
    # Indonesian by default.
    assert "Catat belanja" in html


def test_anonymous_is_sent_to_login(client, ref):
    response = client.get(reverse("portal:employee_home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/?next=")


def test_merchant_cannot_use_employee_pages(merchant_client, shop):
    assert merchant_client.get(reverse("portal:employee_home")).status_code == 403
    assert merchant_client.get(reverse("portal:merchant_pick")).status_code == 403


def test_picker_lists_only_verified_merchants_and_filters(employee_client, shop, draft_shop):
    from ebakul.merchants.models import Kecamatan

    other_kec = Kecamatan.objects.exclude(pk=shop.kecamatan_id).first()
    from tests.factories import verified_merchant

    far = verified_merchant(business_name="Kerupuk Kasiman", kecamatan=other_kec)

    html = employee_client.get(reverse("portal:merchant_pick")).content.decode()
    assert "Warung Bu Sri" in html and "Kerupuk Kasiman" in html
    assert "Kedai Belum Diverifikasi" not in html

    html = employee_client.get(reverse("portal:merchant_pick"), {"q": "kerupuk"}).content.decode()
    assert "Kerupuk Kasiman" in html and "Warung Bu Sri" not in html

    html = employee_client.get(
        reverse("portal:merchant_pick"), {"kecamatan": other_kec.pk}
    ).content.decode()
    assert f"?merchant={far.pk}" in html and f"?merchant={shop.pk}" not in html


def test_picker_lists_sellers_near_home_first(employee_client, employee, shop):
    from ebakul.merchants.models import Kecamatan
    from tests.factories import verified_merchant

    home = Kecamatan.objects.exclude(pk=shop.kecamatan_id).order_by("name").last()
    employee.home_kecamatan = home
    employee.save()
    verified_merchant(business_name="Zaitun Dekat Rumah", kecamatan=home)

    response = employee_client.get(reverse("portal:merchant_pick"))

    assert response.status_code == 200
    html = response.content.decode()
    # Alphabetically "Warung" comes first; near home wins.
    assert html.index("Zaitun Dekat Rumah") < html.index("Warung Bu Sri")


def test_picker_query_count_is_bounded(employee_client, shop, django_assert_max_num_queries):
    from tests.factories import verified_merchant

    for i in range(15):
        verified_merchant(business_name=f"Toko {i}")
    with django_assert_max_num_queries(12):
        response = employee_client.get(reverse("portal:merchant_pick"))
    assert response.content.decode().count("pick-result") == 16


def test_purchase_form_prefills_merchant_from_qr_link(employee_client, shop):
    response = employee_client.get(reverse("portal:purchase_new"), {"merchant": shop.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Warung Bu Sri" in html
    assert f'name="merchant" value="{shop.pk}"' in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html


def test_purchase_form_refuses_unverified_merchant_link(employee_client, draft_shop):
    response = employee_client.get(reverse("portal:purchase_new"), {"merchant": draft_shop.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:merchant_pick")


def test_record_purchase_summary_then_send(employee_client, employee, shop):
    response = employee_client.post(reverse("portal:purchase_new"), _form_data(shop))

    purchase = Purchase.objects.get(employee=employee)
    assert purchase.status == "draft"
    assert purchase.amount == 75_000
    assert response["Location"] == reverse("portal:purchase_confirm", args=[purchase.pk])

    summary = employee_client.get(response["Location"]).content.decode()
    assert "Rp75.000" in summary and "Warung Bu Sri" in summary

    response = employee_client.post(reverse("portal:purchase_confirm", args=[purchase.pk]))
    assert response.status_code == 302
    purchase.refresh_from_db()
    assert purchase.status == "submitted"
    detail = employee_client.get(response["Location"]).content.decode()
    assert purchase.document_number in detail


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "0"}, "amount", MSG_AMOUNT_POSITIVE),
        ({"amount": "-5000"}, "amount", MSG_AMOUNT_POSITIVE),
        ("future", "purchased_at", MSG_NOT_IN_FUTURE),
        (
            {"receipt": ("nota.jpg", b"%PDF-1.4 not an image", "image/jpeg")},
            "receipt",
            MSG_RECEIPT_NOT_IMAGE,
        ),
    ],
    ids=["zero-amount", "negative-amount", "future-date", "not-an-image"],
)
def test_bad_input_is_refused_and_nothing_saved(employee_client, shop, overrides, field, message):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    if overrides == "future":
        later = (timezone.now() + dt.timedelta(days=2)).astimezone(WIB)
        overrides = {"purchased_at": later.strftime("%Y-%m-%dT%H:%M")}
    if "receipt" in overrides and isinstance(overrides["receipt"], tuple):
        overrides = {"receipt": SimpleUploadedFile(*overrides["receipt"])}
    before = Purchase.objects.count()

    response = employee_client.post(reverse("portal:purchase_new"), _form_data(shop, **overrides))

    assert response.status_code == 200
    assert Purchase.objects.count() == before
    with translation.override("id"):
        indonesian = str(message)
    with translation.override("en"):
        english = str(message)
    # Shown in Indonesian (really translated), next to its field.
    assert indonesian != english
    assert response.context["form"].errors[field] == [indonesian]
    html = response.content.decode()
    field_html = html[html.index(f'id="field-{field}"') :]
    field_html = field_html[: field_html.index("</div>")]
    assert indonesian in field_html.replace("&#x27;", "'")
    assert 'class="error"' in field_html


def test_forged_unverified_merchant_is_refused(employee_client, draft_shop):
    before = Purchase.objects.count()
    response = employee_client.post(reverse("portal:purchase_new"), _form_data(draft_shop))
    assert response.status_code == 200
    assert Purchase.objects.count() == before
    assert str(MSG_MERCHANT_NOT_SELECTABLE) in response.context["form"].errors["merchant"]


def test_history_shows_only_own_purchases_with_reasons(
    employee_client, employee, other_employee, shop
):
    mine = PurchaseFactory(
        employee=employee, merchant=shop, status="rejected", decision_reason="Nota tidak terbaca"
    )
    theirs = PurchaseFactory(employee=other_employee, merchant=shop)

    html = employee_client.get(reverse("portal:purchase_list")).content.decode()
    assert mine.document_number in html
    assert "Nota tidak terbaca" in html
    assert theirs.document_number not in html


def test_history_query_count_is_bounded(
    employee_client, employee, shop, django_assert_max_num_queries
):
    for _ in range(12):
        PurchaseFactory(employee=employee, merchant=shop)
    with django_assert_max_num_queries(12):
        response = employee_client.get(reverse("portal:purchase_list"))
    assert response.content.decode().count('id="purchase-') == 12


def test_another_employees_purchase_is_not_found(employee_client, other_employee, shop):
    theirs = PurchaseFactory(employee=other_employee, merchant=shop, status="draft")
    assert (
        employee_client.get(reverse("portal:purchase_detail", args=[theirs.pk])).status_code == 404
    )
    assert employee_client.get(reverse("portal:receipt", args=[theirs.pk])).status_code == 404
    response = employee_client.post(reverse("portal:purchase_confirm", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_receipt_is_served_to_the_owner(employee_client, employee, shop):
    mine = PurchaseFactory(employee=employee, merchant=shop)
    response = employee_client.get(reverse("portal:receipt", args=[mine.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # JPEG


def test_notifications_list_and_mark_read(employee_client, employee_user, merchant_user):
    mine = Notification.objects.create(user=employee_user, title="Belanja diverifikasi")
    theirs = Notification.objects.create(user=merchant_user, title="Untuk orang lain")

    html = employee_client.get(reverse("portal:notifications")).content.decode()
    assert "Belanja diverifikasi" in html and "Untuk orang lain" not in html
    assert 'class="badge"' in html

    employee_client.post(reverse("portal:notification_read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None

    response = employee_client.post(reverse("portal:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def _open_appeal_window(employee, verifier_or_admin):
    """Compute a month for the employee (no purchases: a shortfall) with its appeal window open.
    The current month is used because the engine takes employees as they were at the month's
    end (a factory-made employee did not exist last month)."""
    import datetime as dt

    from ebakul.compliance.models import Period
    from ebakul.core.periods import current_period
    from tests.clock import compute_period

    period = current_period()
    stats = compute_period(period=period, actor=verifier_or_admin)
    assert stats["shortfall"] >= 1, stats
    Period.objects.filter(period=period).update(appeal_close=timezone.now() + dt.timedelta(days=3))
    return period


def test_appeal_form_while_the_window_is_open(employee_client, employee, admin_user):
    from ebakul.compliance.models import Appeal

    # Closed: no computed result yet.
    response = employee_client.get(reverse("portal:appeal"))
    assert response.status_code == 302

    period = _open_appeal_window(employee, admin_user)
    assert (
        "Ajukan sanggahan" in employee_client.get(reverse("portal:employee_home")).content.decode()
    )

    response = employee_client.post(reverse("portal:appeal"), {"reason": "pendek"})
    assert response.status_code == 200 and not Appeal.objects.exists()

    reason = "Saya cuti melahirkan sepanjang bulan, surat cuti terlampir."
    response = employee_client.post(reverse("portal:appeal"), {"reason": reason})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.employee, appeal.period, appeal.reason) == (employee, period, reason)


def test_employee_downloads_only_their_own_monthly_statement(
    employee_client, employee, other_employee, shop
):
    from ebakul.core.periods import current_period
    from tests.clock import compute_period
    from tests.factories import UserFactory

    period = current_period()
    PurchaseFactory(employee=employee, merchant=shop, amount=120_000, status="verified")
    admin = UserFactory(username="admin-stmt", role="Admin eBakul")
    compute_period(period=period, actor=admin)

    home = employee_client.get(reverse("portal:employee_home")).content.decode()
    url = reverse("portal:statement", args=[period])
    assert url in home

    response = employee_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert employee.nip in response["Content-Disposition"]

    # A period without a result, a malformed period: nothing to give.
    assert employee_client.get(reverse("portal:statement", args=["2001-01"])).status_code == 404
    assert employee_client.get("/pegawai/laporan/2026-13.pdf").status_code == 404


def test_statement_is_only_the_logged_in_employees(client, other_employee, employee, shop):
    from ebakul.core.periods import current_period
    from tests.clock import compute_period
    from tests.factories import UserFactory

    period = current_period()
    compute_period(period=period, actor=UserFactory(username="admin-s2", role="Admin eBakul"))
    client.force_login(other_employee.user)
    response = client.get(reverse("portal:statement", args=[period]))
    # The URL has no employee id: each employee only ever gets their own statement.
    assert response.status_code == 200
    assert other_employee.nip in response["Content-Disposition"]
    assert employee.nip not in response["Content-Disposition"]
