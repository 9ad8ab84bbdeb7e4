"""The portal in the field (issue 14), in Chromium at 390x844 and 360x740: every portal page
fits the screen without horizontal scrolling and has no serious or critical axe-core
violation; a refused purchase form keeps its photo; the QRIS reference shows only for QRIS."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.testing.images import receipt_image_bytes

from .conftest import PASSWORD, loaded_width, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL = {"width": 360, "height": 740}
PHONE_390 = {"width": 390, "height": 844}
AXE = (Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js").read_text()

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && el.offsetParent !== null)
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
         (el.className && typeof el.className === 'string' ? '.' + el.className : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""

AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ' (' + v.impact + '): ' +
         v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
}"""


def check_page(page, url: str, problems: list, label: str):
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    check_current(page, problems, label)


def check_current(page, problems: list, label: str):
    """The page the browser shows now (e.g. after a form was sent): no overflow, no axe finding."""
    page.wait_for_load_state()
    url = page.url
    size = page.evaluate(OVERFLOW_JS)
    if size["scroll"] > size["width"]:
        problems.append(f"{label} {url}: {size['scroll']}px > {size['width']}px {size['wide']}")
    # Evaluated through the DevTools protocol: not an inline script, so the page's CSP stays on.
    page.evaluate(AXE)
    for violation in page.evaluate(AXE_RUN_JS):
        problems.append(f"{label} {url}: axe {violation}")


def _world():
    from django.utils import timezone

    from ebakul.accounts import roles
    from ebakul.compliance.models import MonthlyCompliance
    from ebakul.core.periods import current_period, previous_period
    from tests.factories import EmployeeFactory, PurchaseFactory, UserFactory, verified_merchant

    merchant_user = UserFactory(username="penjual1", role=roles.MERCHANT)
    shop = verified_merchant(user=merchant_user, business_name="Warung Pecel Mbok Darmi")
    employee_user = UserFactory(username="pegawai1", role=roles.EMPLOYEE)
    employee = EmployeeFactory(user=employee_user)
    when = timezone.now() - dt.timedelta(hours=3)
    draft = PurchaseFactory(
        employee=employee, merchant=shop, status="draft", purchased_at=when, amount=25_000
    )
    sent = PurchaseFactory(
        employee=employee, merchant=shop, status="submitted", purchased_at=when, amount=125_000
    )
    last = previous_period(current_period())
    from ebakul.compliance.models import SpendingRule

    rule = SpendingRule.objects.order_by("-effective_from").first()
    MonthlyCompliance.objects.create(
        employee=employee,
        period=last,
        rule=rule,
        tpp_ceiling=5_000_000,
        active_days=30,
        period_days=30,
        required_spend=500_000,
        verified_spend=375_000,
        pending_spend=0,
        shortfall=125_000,
        status="shortfall",
        sanction_mode=rule.sanction_mode,
        deduction_amount=125_000,
        computed_at=timezone.now(),
    )
    # Last month is computed and its appeal window open: the appeal page and flow are walked.
    from ebakul.compliance.models import Period, PeriodStatus
    from ebakul.compliance.selectors import period_get_or_create

    period_get_or_create(last)
    Period.objects.filter(period=last).update(
        status=PeriodStatus.COMPUTED, appeal_close=timezone.now() + dt.timedelta(days=5)
    )
    return employee, shop, draft, sent


def _rejected(employee, shop):
    """A rejected purchase with its reason: its page offers the request to review it again."""
    from django.utils import timezone

    from tests.factories import PurchaseFactory

    return PurchaseFactory(
        employee=employee,
        merchant=shop,
        status="rejected",
        decision_reason="Foto nota tidak terbaca",
        purchased_at=timezone.now() - dt.timedelta(hours=2),
        amount=40_000,
    )


def _statement_check_url(employee) -> str:
    from ebakul.core.periods import current_period, previous_period
    from ebakul.reports.selectors.compliance import statement_for
    from ebakul.reports.verification import statement_token

    statement = statement_for(employee=employee, period=previous_period(current_period()))
    return reverse("reports:statement_check", args=[statement_token(statement)])


def _walk_the_appeal_flow(page, problems: list, label: str):
    """The appeal form refused (a reason too short), then sent; the home page then shows it."""
    check_page(page, reverse("portal:appeal"), problems, label)
    page.fill("textarea[name=reason]", "Terlalu pendek")
    page.click("form.card button[type=submit]")
    expect(page.locator("textarea[name=reason]")).to_have_attribute("aria-invalid", "true")
    check_current(page, problems, label)
    page.fill("textarea[name=reason]", "Nota Rp125.000 di Warung Pecel belum diverifikasi")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(re.escape(reverse("portal:employee_home")) + "$"))
    expect(page.locator("#appeal-state")).to_have_attribute("data-state", "pending")
    check_current(page, problems, label)


@pytest.mark.parametrize("viewport", [SMALL, PHONE_390], ids=["360x740", "390x844"])
def test_every_portal_page_fits_and_passes_axe(ref, open_page, viewport):
    employee, shop, draft, sent = _world()
    problems: list[str] = []
    label = f"{viewport['width']}px"

    page = open_page(viewport)
    for url in ["/", "/masuk/", "/lupa-sandi/", "/usaha/daftar/"]:
        check_page(page, url, problems, label)

    page = open_page(viewport)
    login(page, "pegawai1", PASSWORD)
    for url in [
        reverse("portal:employee_home"),
        reverse("portal:merchant_pick"),
        f"{reverse('portal:purchase_new')}?merchant={shop.pk}",
        reverse("portal:purchase_list"),
        reverse("portal:purchase_detail", args=[sent.pk]),
        reverse("portal:purchase_confirm", args=[draft.pk]),
        reverse("portal:purchase_edit", args=[draft.pk]),
        reverse("portal:notifications"),
        reverse("portal:password_change"),
        reverse("portal:purchase_detail", args=[_rejected(employee, shop).pk]),  # tinjau ulang
    ]:
        check_page(page, url, problems, label)
    shot(page, f"portal-field-employee-home-{label}")
    _walk_the_appeal_flow(page, problems, label)
    shot(page, f"portal-field-appeal-sent-{label}")

    # The statement's verification page, opened from its QR without a login.
    page = open_page(viewport)
    check_page(page, _statement_check_url(employee), problems, label)

    page = open_page(viewport)
    login(page, "penjual1", PASSWORD)
    for url in [
        reverse("portal:merchant_home"),
        reverse("portal:merchant_business"),
        reverse("portal:merchant_sales"),
        reverse("portal:merchant_poster"),
        reverse("portal:notifications"),
    ]:
        check_page(page, url, problems, label)
    assert not problems, "\n".join(problems)


def test_refused_form_keeps_the_photo_and_qris_field_follows_the_method(ref, open_page, tmp_path):
    from ebakul.purchases.models import Purchase

    employee, shop, draft, sent = _world()
    page = open_page(SMALL)
    login(page, "pegawai1", PASSWORD)
    page.goto(f"{reverse('portal:purchase_new')}?merchant={shop.pk}")

    qris = page.get_by_label("Nomor referensi QRIS")
    expect(qris).to_be_hidden()
    page.get_by_label("Dibayar dengan").select_option("qris")
    expect(qris).to_be_visible()
    page.get_by_label("Dibayar dengan").select_option("cash")
    expect(qris).to_be_hidden()

    photo = tmp_path / "nota.jpg"
    photo.write_bytes(receipt_image_bytes(seed=3))
    page.locator("#id_receipt").set_input_files(str(photo))
    page.locator("#id_amount").fill("0")
    page.get_by_role("button", name="Lanjut ke ringkasan").click()
    page.wait_for_load_state()

    # Refused next to the field, announced, and the photo is still there (previewed).
    amount = page.locator("#id_amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_amount_error0")).to_have_attribute("role", "alert")
    preview = page.locator("#kept-receipt img")
    expect(preview).to_be_visible()
    assert loaded_width(page, preview) > 0
    shot(page, "portal-field-kept-photo-360")

    amount.fill("Rp 25.000")
    page.get_by_role("button", name="Lanjut ke ringkasan").click()
    page.wait_for_url("**/kirim/")
    created = Purchase.objects.exclude(pk__in=[draft.pk, sent.pk]).get()
    assert created.amount == 25_000 and created.receipt_sha256


def _big_photo(path: Path) -> int:
    """A phone-camera-sized JPEG (4000x3000, noisy: it does not compress well)."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(5)
    img = Image.effect_noise((1000, 750), 60).convert("RGB").resize((4000, 3000))
    draw = ImageDraw.Draw(img)
    for _ in range(400):
        x, y = rng.randrange(4000), rng.randrange(3000)
        draw.rectangle([x, y, x + 80, y + 20], fill=(rng.randrange(255), 40, 90))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=95)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def test_photo_is_compressed_before_upload(ref, open_page, tmp_path):
    from ebakul.purchases.models import Purchase

    employee, shop, draft, sent = _world()
    page = open_page(PHONE_390)
    login(page, "pegawai1", PASSWORD)
    page.goto(f"{reverse('portal:purchase_new')}?merchant={shop.pk}")
    photo = tmp_path / "kamera.jpg"
    original = _big_photo(photo)
    assert original > 1_500_000
    page.locator("#id_receipt").set_input_files(str(photo))
    expect(page.locator("#id_receipt")).to_have_attribute("data-compressed", re.compile(r"\d+"))
    compressed = int(page.locator("#id_receipt").get_attribute("data-compressed"))
    assert 0 < compressed <= 320 * 1024, compressed
    page.locator("#id_amount").fill("25.000")
    with page.expect_request(lambda r: r.method == "POST" and "/belanja/baru/" in r.url) as sent_:
        page.get_by_role("button", name="Lanjut ke ringkasan").click()
    page.wait_for_url("**/kirim/")
    uploaded = int(sent_.value.all_headers()["content-length"])
    assert 0 < uploaded < compressed + 10_000, uploaded  # the small photo, not the original
    created = Purchase.objects.exclude(pk__in=[draft.pk, sent.pk]).get()
    with created.receipt.open("rb") as handle:
        from PIL import Image

        assert max(Image.open(handle).size) <= 1600


def test_offline_draft_is_sent_once_when_the_connection_returns(ref, open_page, tmp_path):
    from ebakul.purchases.models import Purchase

    employee, shop, draft, sent = _world()
    before = set(Purchase.objects.values_list("pk", flat=True))
    page = open_page(PHONE_390)
    login(page, "pegawai1", PASSWORD)
    page.goto(f"{reverse('portal:purchase_new')}?merchant={shop.pk}")
    photo = tmp_path / "nota.jpg"
    photo.write_bytes(receipt_image_bytes(seed=9))

    page.context.set_offline(True)
    page.locator("#id_receipt").set_input_files(str(photo))
    expect(page.locator("#id_receipt")).to_have_attribute("data-compressed", re.compile(r"\d+"))
    page.locator("#id_amount").fill("30000")
    page.get_by_role("button", name="Lanjut ke ringkasan").click()
    box = page.locator("#offline-drafts")
    expect(box).to_be_visible()
    expect(box.locator("li")).to_have_count(1)
    expect(box.locator("li")).to_contain_text("disimpan di ponsel ini")
    shot(page, "portal-field-offline-draft-390")
    assert set(Purchase.objects.values_list("pk", flat=True)) == before

    page.context.set_offline(False)
    expect(box).to_be_hidden(timeout=20_000)
    new = Purchase.objects.exclude(pk__in=before)
    assert new.count() == 1
    created = new.get()
    assert created.amount == 30_000 and created.status == "draft" and created.client_key

    # Connection events again, a reload: nothing is sent twice.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    page.wait_for_load_state()
    page.wait_for_timeout(500)
    assert Purchase.objects.exclude(pk__in=before).count() == 1
    # A repeat of the same key (a lost answer) returns the same purchase.
    fields = page.evaluate(
        """async (key) => {
      const form = document.getElementById('purchase-form');
      const body = new FormData(form);
      body.set('client_key', key);
      const r = await fetch(location.href, {method: 'POST', body});
      return new URL(r.url).pathname;
    }""",
        created.client_key,
    )
    assert fields == reverse("portal:purchase_confirm", args=[created.pk])
    assert Purchase.objects.exclude(pk__in=before).count() == 1


WEIGHT_BUDGET = 150_000
WEIGHT_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource')
    .filter((r) => !r.name.includes('/nota/') && !r.name.includes('/foto/'));
  return {
    page: nav.transferSize,
    assets: resources.reduce((sum, r) => sum + r.transferSize, 0),
    names: resources.map((r) => r.name.split('/').pop() + ':' + r.transferSize),
  };
}"""


def test_first_load_stays_under_the_page_weight_budget(ref, open_page):
    """Cold cache, no photos: the HTML plus every asset it loads, as transferred (compressed
    when the server compresses). Figures in bench/RESULTS.md."""
    employee, shop, draft, sent = _world()
    figures = []
    page = open_page(PHONE_390)
    page.goto("/masuk/")
    page.wait_for_load_state("load")
    figures.append(("/masuk/", page.evaluate(WEIGHT_JS)))
    login(page, "pegawai1", PASSWORD)
    for url in [
        reverse("portal:employee_home"),
        f"{reverse('portal:purchase_new')}?merchant={shop.pk}",
        reverse("portal:purchase_list"),
    ]:
        fresh = open_page(PHONE_390)  # a cold cache for every page
        fresh.context.add_cookies(page.context.cookies())
        fresh.goto(url)
        fresh.wait_for_load_state("load")
        figures.append((url, fresh.evaluate(WEIGHT_JS)))
    for url, f in figures:
        total = f["page"] + f["assets"]
        print(
            f"page-weight {url}: html={f['page']} assets={f['assets']} total={total} {f['names']}"
        )
        assert total < WEIGHT_BUDGET, (url, f)
        assert f["page"] > 0
