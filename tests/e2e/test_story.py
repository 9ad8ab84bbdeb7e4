"""The whole story in a real browser: a merchant registers, a verifier verifies it in the desk,
an employee records a purchase with a receipt photo, the merchant confirms it, a verifier
verifies it, and the employee's progress bar shows the new amount."""

import re

import pytest
from playwright.sync_api import expect

from ebakul.core.identifiers import make_nib, make_nik
from tests.testing.images import receipt_image_bytes

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _desk_action(page, url: str, action: str):
    page.goto(url)
    page.locator(f'#workflow-actions button[name="wf_action"][value="{action}"]').click()
    page.wait_for_load_state()
    expect(page.locator("#workflow-actions [data-state]")).to_have_attribute(
        "data-state", "verified"
    )


def test_merchant_to_verified_purchase(ref, open_page, verifier, employee_user):
    from ebakul.merchants.models import UmkmMerchant
    from ebakul.purchases.models import Purchase

    # 1. A merchant registers on a phone: the account, then the business.
    merchant_page = open_page(PHONE)
    merchant_page.goto("/usaha/daftar/")
    merchant_page.get_by_label("Nama lengkap Anda").fill("Siti Aminah")
    merchant_page.get_by_label("Nama pengguna").fill("siti.ledre")
    merchant_page.get_by_label("Email").fill("siti@example.invalid")
    merchant_page.get_by_label("Kata sandi", exact=True).fill("ledre-pisang-2026")
    merchant_page.get_by_label("Ulangi kata sandi").fill("ledre-pisang-2026")
    shot(merchant_page, "01-merchant-register-375")
    merchant_page.get_by_role("button", name="Buat akun").click()

    merchant_page.get_by_label("Nama usaha").fill("Ledre Bu Siti")
    merchant_page.get_by_label("Kategori").select_option(label="Makanan & minuman")
    merchant_page.get_by_label("NIB").fill(make_nib(4242))
    merchant_page.get_by_label("NIK pemilik").fill(make_nik(4242, female=True))
    merchant_page.get_by_label("Telepon").fill("081333444555")
    merchant_page.get_by_label("Kecamatan").select_option(label="Padangan")
    merchant_page.get_by_label("Desa / kelurahan").fill("Kendal")
    merchant_page.get_by_label("Alamat").fill("Jl. Raya Padangan 12")
    shot(merchant_page, "02-merchant-business-375")
    merchant_page.get_by_role("button", name="Kirim untuk verifikasi").click()
    expect(merchant_page.locator("#merchant-status")).to_contain_text("Diajukan")
    shot(merchant_page, "03-merchant-status-submitted-375")
    merchant = UmkmMerchant.objects.get(business_name="Ledre Bu Siti")
    assert merchant.status == "submitted"

    # 2. A verifier verifies it in the desk.
    desk = open_page(DESKTOP)
    login(desk, verifier.username)
    _desk_action(desk, f"/desk/merchants/umkmmerchant/{merchant.pk}/change/", "verify")
    shot(desk, "04-desk-merchant-verified-1280")
    merchant.refresh_from_db()
    assert merchant.status == "verified"

    # 3. An employee records a purchase on a phone, with a photo of the receipt.
    employee_page = open_page(PHONE)
    login(employee_page, employee_user.username)
    expect(employee_page.locator("#progress-verified")).to_have_text("Rp0")
    employee_page.get_by_role("link", name="Catat belanja").first.click()
    employee_page.get_by_label("Nama usaha").fill("ledre")
    employee_page.get_by_role("button", name="Cari").click()
    shot(employee_page, "05-employee-merchant-pick-375")
    employee_page.get_by_role("link", name="Pilih Ledre Bu Siti").click()
    expect(employee_page.locator("#chosen-merchant")).to_contain_text("Ledre Bu Siti")
    employee_page.get_by_label("Foto nota").set_input_files(
        {"name": "nota.jpg", "mimeType": "image/jpeg", "buffer": receipt_image_bytes(seed=7)}
    )
    employee_page.get_by_label("Jumlah yang dibayar (Rp)").fill("85.000")
    employee_page.get_by_label("Apa yang Anda beli?").fill("Ledre pisang 5 bungkus")
    shot(employee_page, "06-employee-purchase-form-375")
    employee_page.get_by_role("button", name="Lanjut ke ringkasan").click()
    expect(employee_page.locator("#summary-amount")).to_have_text("Rp85.000")
    shot(employee_page, "07-employee-summary-375")
    employee_page.get_by_role("button", name="Kirim", exact=True).click()
    expect(employee_page.locator("#purchase-status")).to_have_text("Diajukan")
    purchase = Purchase.objects.get(merchant=merchant)
    assert (purchase.status, purchase.amount) == ("submitted", 85_000)

    # 4. The merchant confirms the sale.
    merchant_page.goto("/usaha/penjualan/")
    sale = merchant_page.locator(f"#sale-{purchase.pk}")
    expect(sale).to_contain_text("Rp85.000")
    shot(merchant_page, "08-merchant-sales-375")
    sale.get_by_role("button", name="Konfirmasi").click()
    expect(merchant_page.locator(f"#sale-{purchase.pk} .status")).to_have_text(
        re.compile("Dikonfirmasi")
    )
    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"

    # 5. A verifier verifies the purchase in the desk.
    _desk_action(desk, f"/desk/purchases/purchase/{purchase.pk}/change/", "verify")
    purchase.refresh_from_db()
    assert purchase.status == "verified"

    # 6. The employee's progress bar shows the new amount.
    employee_page.goto("/pegawai/")
    expect(employee_page.locator("#progress-verified")).to_have_text("Rp85.000")
    expect(employee_page.locator(".progress .done")).not_to_have_attribute("style", "width: 0%")
    shot(employee_page, "09-employee-home-375")
    employee_page.set_viewport_size(DESKTOP)
    shot(employee_page, "10-employee-home-1280")

    # The merchant's poster carries a QR code for the purchase form.
    merchant_page.goto("/usaha/poster/")
    expect(merchant_page.locator("#poster svg")).to_be_visible()
    shot(merchant_page, "11-merchant-poster-375")


def test_bad_input_shows_indonesian_errors_next_to_fields(ref, open_page, employee_user):
    from ebakul.purchases.models import Purchase
    from tests.factories import verified_merchant

    shop = verified_merchant(business_name="Warung Pecel Mbok Darmi")
    page = open_page(PHONE)
    login(page, employee_user.username)
    page.goto(f"/pegawai/belanja/baru/?merchant={shop.pk}")
    page.get_by_label("Foto nota").set_input_files(
        {"name": "nota.jpg", "mimeType": "image/jpeg", "buffer": b"not an image at all"}
    )
    page.get_by_label("Jumlah yang dibayar (Rp)").fill("0")
    page.get_by_role("button", name="Lanjut ke ringkasan").click()
    expect(page.locator("#field-amount .error")).to_have_text(re.compile("Rp0"))
    expect(page.locator("#field-receipt .error")).to_contain_text("foto")
    shot(page, "12-employee-bad-input-375")
    assert not Purchase.objects.exists()
