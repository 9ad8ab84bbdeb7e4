"""In a real browser at 390×844 (issue 17): an employee searches the local market, orders from
two businesses; one declines with a reason, the other hands the order over and the employee
confirms it; the month's verified spend rises by that order; the merchant sees the order, the
rating and its sales."""

import pytest
from playwright.sync_api import expect

from .conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE_390 = {"width": 390, "height": 844}


def test_search_order_decline_complete_and_rate(ref, open_page, employee_user):
    from ebakul.accounts import roles
    from ebakul.marketplace.models import Order
    from ebakul.marketplace.services import listing_save
    from ebakul.merchants.models import MerchantCategory
    from ebakul.purchases.models import Purchase
    from tests.factories import UserFactory, verified_merchant

    employee = employee_user.employee
    employee.tpp_ceiling = 5_000_000
    employee.save()
    food = MerchantCategory.objects.get(code="makanan-minuman")
    sri_user = UserFactory(username="bu-sri", role=roles.MERCHANT)
    joko_user = UserFactory(username="pak-joko", role=roles.MERCHANT)
    sri = verified_merchant(business_name="Warung Bu Sri", user=sri_user)
    joko = verified_merchant(business_name="Kedai Pak Joko", user=joko_user)
    listing_save(
        merchant=sri,
        actor=sri_user,
        name="Nasi Goreng Kampung",
        price=15_000,
        category=food,
        unit="porsi",
    )
    listing_save(
        merchant=joko, actor=joko_user, name="Kopi Tubruk", price=5_000, category=food, unit="gelas"
    )

    page = open_page(PHONE_390)
    login(page, employee_user.username)
    page.goto("/pegawai/")
    before = page.locator("#progress-verified").inner_text()

    # search with a synonym, open the business, add to the cart
    page.goto("/pegawai/pasar/")
    page.get_by_placeholder("mis. nasi goreng, batik, laundry").fill("nasgor")
    page.get_by_role("button", name="Cari").click()
    results = page.locator("#market-results")
    expect(results).to_contain_text("Nasi Goreng Kampung")
    results.get_by_role("link", name="Warung Bu Sri").click()
    page.get_by_label("Jumlah").fill("2")
    page.get_by_role("button", name="Masukkan keranjang").click()
    expect(page.locator(".messages")).to_contain_text("sudah masuk keranjang")
    # the old spelling finds the coffee
    page.goto("/pegawai/pasar/?q=kopi+toebroek")
    page.locator("#market-results").get_by_role("link", name="Kedai Pak Joko").click()
    page.get_by_role("button", name="Masukkan keranjang").click()

    # two carts, one order each
    page.goto("/pegawai/pasar/keranjang/")
    for shop in ("Warung Bu Sri", "Kedai Pak Joko"):
        page.goto("/pegawai/pasar/keranjang/")
        cart = page.locator("section.cart", has_text=shop)
        cart.get_by_label("Ambil sendiri", exact=True).check()
        cart.get_by_role("button", name="Pesan sekarang").click()
        expect(page.locator("#order-status")).to_contain_text("Dipesan")
    shot(page, "market-01-employee-order")
    sri_order = Order.objects.get(merchant=sri)
    joko_order = Order.objects.get(merchant=joko)

    # Pak Joko declines with a reason
    joko_page = open_page(PHONE_390)
    login(joko_page, "pak-joko")
    joko_page.goto("/usaha/pesanan/")
    joko_page.get_by_role("link", name=joko_order.number).click()
    joko_page.get_by_role("button", name="Tolak").click()  # no reason: refused
    expect(joko_page.locator(".messages")).to_contain_text("alasan")
    joko_page.get_by_label("Alasan menolak").fill("Sedang tutup, mohon maaf")
    joko_page.get_by_role("button", name="Tolak").click()
    expect(joko_page.locator("#order-status")).to_contain_text("Ditolak")

    # Bu Sri accepts and hands it over
    sri_page = open_page(PHONE_390)
    login(sri_page, "bu-sri")
    sri_page.goto(f"/usaha/pesanan/{sri_order.pk}/")
    sri_page.get_by_role("button", name="Terima").click()
    expect(sri_page.locator("#order-status")).to_contain_text("Diterima")
    sri_page.get_by_role("button", name="Sudah diserahkan").click()
    expect(sri_page.locator("#order-status")).to_contain_text("Sudah diserahkan")

    # the employee sees the decline reason, confirms the other order and rates it
    page.goto(f"/pegawai/pasar/pesanan/{joko_order.pk}/")
    expect(page.locator("#order-reason")).to_contain_text("Sedang tutup, mohon maaf")
    page.goto(f"/pegawai/pasar/pesanan/{sri_order.pk}/")
    page.get_by_role("button", name="Sudah saya terima").click()
    expect(page.locator("#order-status")).to_contain_text("Selesai")
    page.locator("#review-form").get_by_label("5").check()
    page.get_by_label("Ulasan Anda").fill("Enak, porsinya pas")
    page.get_by_role("button", name="Kirim ulasan").click()
    expect(page.locator("#order-review")).to_contain_text("Enak, porsinya pas")
    shot(page, "market-02-employee-completed")

    sri_order.refresh_from_db()
    purchase = Purchase.objects.get(pk=sri_order.purchase_id)
    assert (purchase.status, purchase.amount) == ("verified", 30_000)
    page.goto("/pegawai/")
    after = page.locator("#progress-verified").inner_text()
    assert (before, after) == ("Rp0", "Rp30.000")

    # the merchant sees the order, the rating and its sales
    sri_page.goto(f"/usaha/pesanan/{sri_order.pk}/")
    expect(sri_page.locator("#order-review")).to_contain_text("★ 5")
    sri_page.goto("/usaha/katalog/")
    expect(sri_page.locator("#market-sales")).to_contain_text("Rp30.000")
    shot(sri_page, "market-03-merchant-sales")
