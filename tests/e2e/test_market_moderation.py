"""In a real browser: a verifier hides a listing in the desk with a reason from the
administrators' list (ADR 0420); the employee's search no longer shows it and the merchant reads
the reason in its catalogue."""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE_390 = {"width": 390, "height": 844}


def test_verifier_hides_a_listing_and_search_no_longer_shows_it(
    ref, open_page, verifier, employee_user
):
    from ebakul.accounts import roles
    from ebakul.marketplace.models import Listing
    from ebakul.marketplace.services import listing_save
    from ebakul.merchants.models import MerchantCategory
    from ebakul.workflow.models import RefusalReason
    from tests.factories import UserFactory, verified_merchant

    food = MerchantCategory.objects.get(code="makanan-minuman")
    sri_user = UserFactory(username="bu-sri-kopi", role=roles.MERCHANT)
    sri = verified_merchant(business_name="Warung Bu Sri", user=sri_user)
    joko = verified_merchant(business_name="Kedai Pak Joko")
    hidden = listing_save(
        merchant=sri, actor=sri_user, name="Kopi Sachet Grosir", price=2_000, category=food
    )
    listing_save(merchant=joko, actor=None, name="Kopi Tubruk", price=5_000, category=food)
    reason = RefusalReason.objects.filter(kind="listing_hide", active=True).order_by("order", "id")[
        1
    ]

    employee = open_page(PHONE_390)
    login(employee, employee_user.username)
    employee.goto("/pegawai/pasar/?q=kopi")
    results = employee.locator("#market-results")
    expect(results).to_contain_text("Kopi Sachet Grosir")
    expect(results).to_contain_text("Kopi Tubruk")

    desk = open_page(DESKTOP)
    login(desk, verifier.username)
    desk.goto("/desk/pasar/?status=visible")
    desk.get_by_role("link", name="Kopi Sachet Grosir").click()
    expect(desk.locator("#listing-state")).to_have_text("Ditampilkan")
    desk.get_by_label("Alasan umum").select_option(label=reason.label)
    desk.get_by_label("Penjelasan untuk pelaku usaha").fill("Bukan produk buatan sendiri.")
    shot(desk, "market-09-desk-listing-hide-form")
    desk.locator("#listing-hide").get_by_role("button", name="Sembunyikan").click()
    expect(desk.locator("body")).to_contain_text("pelaku usaha melihat alasannya")
    desk.goto("/desk/pasar/?status=hidden")
    expect(desk.locator("#moderation-listings")).to_contain_text("Kopi Sachet Grosir")
    expect(desk.locator("#moderation-listings")).to_contain_text(reason.label)
    shot(desk, "market-10-desk-hidden-listing")
    row = Listing.objects.get(pk=hidden.pk)
    assert row.moderation == "hidden"
    assert row.moderation_reason == f"{reason.label}: Bukan produk buatan sendiri."

    employee.goto("/pegawai/pasar/?q=kopi")
    results = employee.locator("#market-results")
    expect(results).to_contain_text("Kopi Tubruk")
    expect(results).not_to_contain_text("Kopi Sachet Grosir")
    shot(employee, "market-11-search-without-hidden")

    merchant = open_page(PHONE_390)
    login(merchant, "bu-sri-kopi")
    merchant.goto("/usaha/katalog/")
    expect(merchant.locator("body")).to_contain_text("Bukan produk buatan sendiri.")
    expect(merchant.locator("body")).to_contain_text(reason.label)
    shot(merchant, "market-12-merchant-sees-reason")
