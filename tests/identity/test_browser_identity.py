"""Browser (Chromium): a merchant adds its QRIS from a sticker photo; an employee picks that
business by scanning the same QRIS, then chooses a receipt photo and sees the empty amount
filled from the receipt by OCR (issue 15)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, login, shot

from .qris_samples import qr_png, qris_payload
from .receipt_images import receipt_png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_qris_from_a_photo_then_scan_and_ocr_prefill(ref, open_page, tmp_path, monkeypatch):
    from ebakul.accounts import roles
    from ebakul.merchants.models import UmkmMerchant
    from tests.factories import EmployeeFactory, UserFactory, verified_merchant

    # Tesseract on this shared machine may need more than the portal's 4 s.
    monkeypatch.setattr("ebakul.portal.views_employee.PREFILL_TIME_LIMIT", 60)
    merchant_user = UserFactory(username="penjual1", role=roles.MERCHANT)
    shop = verified_merchant(user=merchant_user, business_name="Warung Bu Sri")
    EmployeeFactory(user=UserFactory(username="pegawai1", role=roles.EMPLOYEE))
    sticker = tmp_path / "qris.png"
    sticker.write_bytes(qr_png(qris_payload()))

    page = open_page({"width": 390, "height": 844})
    login(page, "penjual1", PASSWORD)
    page.goto(reverse("portal:merchant_qris"))
    page.locator("#id_photo").set_input_files(str(sticker))
    page.get_by_role("button", name="Simpan QRIS").click()
    page.wait_for_url("**/usaha/")
    expect(page.locator("#qris-summary")).to_contain_text("ID1020021181745")
    assert UmkmMerchant.objects.get(pk=shop.pk).qris_name == "WARUNG BU SRI"
    page.context.clear_cookies()

    login(page, "pegawai1", PASSWORD)
    page.goto(reverse("portal:merchant_pick"))
    page.locator("#id_scan_photo").set_input_files(str(sticker))
    page.get_by_role("button", name="Pindai", exact=True).click()
    page.wait_for_url(f"**/belanja/baru/?merchant={shop.pk}")
    expect(page.locator("#chosen-merchant")).to_contain_text("Warung Bu Sri")

    receipt = tmp_path / "nota.png"
    receipt.write_bytes(receipt_png(total="Rp 87.500,-"))
    page.locator("#id_receipt").set_input_files(str(receipt))
    expect(page.locator("#id_amount")).to_have_value("87.500", timeout=60_000)
    expect(page.locator("#id_amount")).to_have_attribute("data-prefilled", "ocr")
    shot(page, "identity-ocr-prefill-390")
