"""Issue 15 in the browser: a colleague's receipt is refused at upload with the message; a near
copy goes to the investigation queue, where the verifier sees both receipts side by side."""

import io
import random

from django.urls import reverse
from playwright.sync_api import expect

from tests.integrity.generator import draw_receipt, jpeg, transform

from .conftest import DESKTOP, PASSWORD, loaded_width, login, shot


def _upload(page, shop, photo) -> None:
    page.goto(f"{reverse('portal:purchase_new')}?merchant={shop.pk}")
    page.locator("#id_receipt").set_input_files(str(photo))
    page.locator("#id_amount").fill("45000")
    page.get_by_role("button", name="Lanjut ke ringkasan").click()
    page.wait_for_load_state()


def test_colleagues_receipt_refused_and_near_copy_investigated(ref, open_page, tmp_path):
    from PIL import Image

    from ebakul.accounts import roles
    from ebakul.integrity.models import PurchaseRisk, Route
    from ebakul.purchases.models import Purchase
    from tests.factories import EmployeeFactory, UserFactory, verified_merchant

    shop = verified_merchant(business_name="Warung Pecel Mbok Darmi")
    for name in ("pegawai1", "pegawai2"):
        EmployeeFactory(user=UserFactory(username=name, role=roles.EMPLOYEE))
    UserFactory(username="verifikator1", role=roles.VERIFIER)
    rng = random.Random(15)
    original = draw_receipt(rng)
    photo = tmp_path / "nota.jpg"
    photo.write_bytes(jpeg(original))
    copy = tmp_path / "nota-putar.jpg"
    copy.write_bytes(jpeg(transform(Image.open(io.BytesIO(jpeg(original))), "rotate180", rng)))

    first = open_page()
    login(first, "pegawai1", PASSWORD)
    _upload(first, shop, photo)
    first.wait_for_url("**/kirim/")
    assert Purchase.objects.count() == 1

    second = open_page()
    login(second, "pegawai2", PASSWORD)
    _upload(second, shop, photo)
    expect(second.get_by_text("Foto nota ini sudah dikirim oleh pegawai lain")).to_be_visible()
    shot(second, "integrity-colleague-receipt-refused")
    assert Purchase.objects.count() == 1

    _upload(second, shop, copy)
    second.wait_for_url("**/kirim/")
    second.locator("#send-purchase").click()
    second.wait_for_load_state()
    near = Purchase.objects.get(employee__user__username="pegawai2")
    risk = PurchaseRisk.objects.get(purchase=near)
    assert risk.route == Route.INVESTIGATE
    assert near.status == "submitted"

    desk = open_page(DESKTOP)
    login(desk, "verifikator1", PASSWORD)
    desk.goto(reverse("admin:integrity_purchaserisk_investigation"))
    pair = desk.locator(".side-by-side img")
    expect(pair).to_have_count(2)
    for i in range(2):
        img = pair.nth(i)
        expect(img).to_be_visible()
        assert loaded_width(desk, img) > 0
    expect(desk.get_by_text("Foto nota mirip klaim sebelumnya")).to_be_visible()
    shot(desk, "integrity-investigation-side-by-side")
