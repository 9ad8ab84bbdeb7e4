"""Open data (docs/open-data.md, ADR 0410) and "Potensi usaha baru" (ADR 0411) against the real
database: the published figures, small cells hidden with their complements (the subtraction
attack run on the CSV as published), no personal data, formats, months in words, cache headers,
query counts, and who may open the desk report."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from ebakul.accounts import roles
from ebakul.core.periods import current_period, period_bounds, period_label, previous_period
from ebakul.employees.models import WorkUnit
from ebakul.merchants.models import Kecamatan, MerchantCategory
from ebakul.reports import insights
from ebakul.reports.selectors.opendata import FIELDS, open_month
from ebakul.reports.suppression import TOTAL, Entry
from tests.factories import EmployeeFactory, PurchaseFactory, UserFactory, verified_merchant

from .test_opendata_suppression import determined

pytestmark = pytest.mark.django_db


class W:
    pass


@pytest.fixture
def od(ref):
    """A past month P: Bojonegoro (A) × food, services, crafts and Kapas (B) × food, services.
    B × services rests on 2 employees and 1 merchant (hidden); every other cell on 5 or more.
    All buyers work in BPKAD, placed in Bojonegoro, so Kapas spend leaves their kecamatan."""
    w = W()
    w.period = previous_period(current_period())
    w.prev = previous_period(w.period)
    start, _ = period_bounds(w.period)
    prev_start, _ = period_bounds(w.prev)
    when = start + dt.timedelta(days=3)
    a = Kecamatan.objects.get(name="Bojonegoro")
    b = Kecamatan.objects.get(name="Kapas")
    WorkUnit.objects.filter(code="BPKAD").update(kecamatan=a)
    cats = {c.code: c for c in MerchantCategory.objects.all()}
    food, jasa, ikm = cats["makanan-minuman"], cats["jasa"], cats["produk-ikm"]
    w.a, w.b, w.food, w.jasa, w.ikm = a, b, food, jasa, ikm
    w.employees = [EmployeeFactory(name=f"Siti Rahayu {i}") for i in range(8)]

    def shops(kec, cat, n):
        return [
            verified_merchant(
                business_name=f"Usaha {kec.name} {cat.code} {i}", kecamatan=kec, category=cat
            )
            for i in range(n)
        ]

    m = {
        ("A", "food"): shops(a, food, 5),
        ("A", "jasa"): shops(a, jasa, 5),
        ("A", "ikm"): shops(a, ikm, 5),
        ("B", "food"): shops(b, food, 5),
        ("B", "jasa"): shops(b, jasa, 1),
    }
    w.merchants = [x for group in m.values() for x in group]

    def buy(emp, merchant, amount, status="verified", at=when):
        PurchaseFactory(
            employee=emp,
            merchant=merchant,
            amount=amount,
            status=status,
            purchased_at=at,
            category=merchant.category,
        )

    e = w.employees
    for i in range(6):
        buy(e[i], m[("A", "food")][i % 5], 100_000)
        buy(e[i], m[("B", "food")][i % 5], 70_000)
    for i in range(5):
        buy(e[i], m[("A", "jasa")][i], 50_000)
        buy(e[i], m[("A", "ikm")][i], 60_000)
    buy(e[6], m[("B", "jasa")][0], 150_000)
    buy(e[7], m[("B", "jasa")][0], 200_000)
    # Not counted: not verified, or another month.
    buy(e[0], m[("A", "food")][0], 9_999_000, status="submitted")
    buy(e[1], m[("B", "jasa")][0], 8_888_000, status="rejected")
    buy(e[0], m[("A", "food")][0], 300_000, at=prev_start + dt.timedelta(days=2))
    return w


def test_month_figures_and_primary_suppression(od, django_assert_num_queries):
    with django_assert_num_queries(7):
        data = open_month(od.period)
    assert data.total["spend"] == 600_000 + 420_000 + 250_000 + 300_000 + 350_000
    assert data.total["purchases"] == 6 + 6 + 5 + 5 + 2
    assert data.total["merchants"] == 21
    assert data.total["employees"] == 8
    cells = {(c["kecamatan"], c["category"]): c for c in data.cells}
    assert cells[("Kapas", od.jasa.name)]["suppressed"] is True
    assert cells[("Kapas", od.jasa.name)]["spend"] is None
    # The crafts cell is not needed to protect anything and keeps its figures.
    ikm = cells[("Bojonegoro", od.ikm.name)]
    assert (ikm["spend"], ikm["merchants"], ikm["employees"], ikm["suppressed"]) == (
        300_000,
        5,
        5,
        False,
    )
    assert data.status == "provisional"


def _entries_from_csv(text: str) -> tuple[dict, set]:
    """What an attacker reads from the published CSV: the table and which figures are hidden."""
    entries, hidden = {}, set()
    for r in csv.DictReader(io.StringIO(text)):
        row = r["kecamatan"] or TOTAL
        col = r["category"] or TOTAL
        spend = int(r["spend"]) if r["spend"] else 0
        entries[(row, col)] = Entry(
            row=row, col=col, spend=spend, purchases=0, employees=0, merchants=0
        )
        if r["suppressed"] == "true":
            hidden.add((row, col))
    return entries, hidden


def test_hidden_cell_cannot_be_recovered_from_the_published_csv(client, od):
    """The complementary-cell attack on what anybody downloads: Kapas total − Kapas food would
    give Kapas services, so more figures are hidden; no hidden figure is determined by the rest."""
    response = client.get(reverse("opendata:month_csv", args=[od.period]))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    entries, hidden = _entries_from_csv(text)
    assert ("Kapas", od.jasa.name) in hidden
    assert len(hidden) >= 4  # at least one complement in its row and one in its column
    assert determined(entries, hidden) == set()
    # The naive subtractions give nothing: one side of each is hidden.
    assert ("Kapas", TOTAL) not in hidden or ("Kapas", od.food.name) in hidden
    shown_kapas = [k for k in entries if k[0] == "Kapas" and k not in hidden]
    assert ("Kapas", od.food.name) not in shown_kapas
    # ...and the true value 350,000 appears nowhere in the file.
    assert "350000" not in text


def test_csv_uses_documented_field_names_and_raw_values(client, od):
    response = client.get(reverse("opendata:month_csv", args=[od.period]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert tuple(rows[0]) == FIELDS
    total = dict(zip(FIELDS, rows[1], strict=True))
    assert total["level"] == "total"
    assert total["spend"] == "1920000"  # whole rupiah, no separators
    assert total["suppressed"] == "false"
    # Every field is documented in docs/open-data.md and on the page.
    from django.conf import settings

    doc = (settings.BASE_DIR / "docs" / "open-data.md").read_text()
    page = client.get(reverse("opendata:fields")).content.decode()
    for name in FIELDS:
        assert f"`{name}`" in doc, name
        assert f"<dt><code>{name}</code></dt>" in page, name


def test_json_has_nulls_for_hidden_figures(client, od):
    response = client.get(reverse("opendata:month_json", args=[od.period]))
    assert response["Content-Type"].startswith("application/json")
    payload = json.loads(response.content)
    assert payload["period"] == od.period
    assert payload["minimum_contributors"] == 5
    assert payload["fields"] == list(FIELDS)
    hidden = [r for r in payload["records"] if r["suppressed"]]
    assert hidden and all(
        r["spend"] is None and r["merchants"] is None and r["employees"] is None for r in hidden
    )
    assert sum(1 for r in payload["records"] if r["level"] == "total") == 1


def test_no_personal_data_anywhere(client, od):
    urls = [
        reverse("opendata:index"),
        reverse("opendata:month", args=[od.period]),
        reverse("opendata:month_csv", args=[od.period]),
        reverse("opendata:month_json", args=[od.period]),
        reverse("opendata:demand", args=[od.period]),
    ]
    texts = [client.get(u).content.decode("utf-8") for u in urls]
    for text in texts:
        for emp in od.employees:
            assert emp.nip not in text
            assert emp.name not in text
        for merchant in od.merchants:
            assert merchant.business_name not in text
            assert merchant.owner_name not in text
            assert merchant.nib not in text
        assert "Siti Rahayu" not in text


def test_public_page_is_indonesian_with_month_in_words_and_rupiah(
    client, od, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("opendata:month", args=[od.period]))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("id"):
        month = period_label(od.period)
    assert month in html  # e.g. "Oktober 2026"
    assert od.period not in html.replace(f'data-period="{od.period}"', "").replace(
        f"/data/{od.period}", ""
    )
    assert "Rp1.920.000" in html
    assert "Rp300.000" in html  # the crafts cell
    assert "disembunyikan" in html
    assert "Sementara" in html  # the month is over, the period not locked
    assert "/data/panduan/" in html
    for english in ("Programme impact", "Download CSV", ">hidden<", "By kecamatan", "Businesses"):
        assert english not in html


def test_cache_headers_etag_and_304(client, od):
    url = reverse("opendata:month_csv", args=[od.period])
    response = client.get(url)
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    page = client.get(reverse("opendata:month", args=[od.period]))
    assert "private" in page["Cache-Control"] and "max-age=300" in page["Cache-Control"]


def test_locked_month_is_final_and_cached_a_day(client, od, admin_user):
    from tests import clock

    clock.compute_period(period=od.period, actor=admin_user)
    clock.lock_period(period=od.period, actor=admin_user)
    response = client.get(reverse("opendata:month_json", args=[od.period]))
    assert json.loads(response.content)["status"] == "final"
    assert "max-age=86400" in response["Cache-Control"]
    assert "Final" in client.get(reverse("opendata:month", args=[od.period])).content.decode()


def test_running_month_is_marked_and_future_or_bad_months_are_404(client, od):
    now = current_period()
    PurchaseFactory(
        employee=od.employees[0], merchant=od.merchants[0], amount=10_000, status="verified"
    )
    html = client.get(reverse("opendata:month", args=[now])).content.decode()
    assert "Bulan berjalan" in html
    assert json.loads(client.get(f"/data/{now}.json").content)["status"] == "running"
    from ebakul.core.periods import next_period

    assert client.get(f"/data/{next_period(now)}/").status_code == 404
    assert client.get(f"/data/{next_period(now)}.csv").status_code == 404
    assert client.get("/data/2026-13/").status_code == 404
    assert client.get("/data/1999-01.json").status_code == 404
    index = client.get(reverse("opendata:index")).content.decode()
    with translation.override("id"):
        assert period_label(now) in index and period_label(od.period) in index


def test_query_count_does_not_grow_with_the_data(client, od, django_assert_max_num_queries):
    for i in range(10):
        PurchaseFactory(
            employee=EmployeeFactory(),
            merchant=od.merchants[i],
            amount=25_000,
            status="verified",
            purchased_at=period_bounds(od.period)[0] + dt.timedelta(days=5),
        )
    with django_assert_max_num_queries(7):
        client.get(reverse("opendata:month_json", args=[od.period]))
    # 15 for the figures, 1 for the marketplace's searches that found little
    with django_assert_max_num_queries(16):
        client.get(reverse("opendata:demand", args=[od.period]))


# --- Potensi usaha baru -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        (roles.EMPLOYEE, 403),
        (roles.MERCHANT, 403),
        (roles.UNIT_OPERATOR, 403),
        (roles.VERIFIER, 200),
        (roles.ADMIN, 200),
    ],
)
def test_desk_report_scoping(client, od, role, expected):
    if role:
        user = UserFactory(username=f"u-{role}".replace(" ", "-").lower(), role=role)
        user.is_staff = role in roles.DESK_ROLES
        user.save()
        client.force_login(user)
    response = client.get(reverse("reports:demand"), {"period": od.period})
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("admin:login"))


def test_desk_report_figures(client, od, admin_user, django_assert_max_num_queries):
    from ebakul.reports.selectors.demand import demand_insights

    # The reader's roles, then four aggregates: cells, merchant supply, flows, growth.
    with django_assert_max_num_queries(5):
        data = demand_insights(user=admin_user, period=od.period)
    cells = {(c["kecamatan"], c["category"]): c for c in data.cells}
    kapas_jasa = cells[("Kapas", od.jasa.name)]
    assert (kapas_jasa["spend"], kapas_jasa["merchants"], kapas_jasa["buyers"]) == (350_000, 1, 2)
    assert kapas_jasa["spend_per_merchant"] == 350_000
    assert kapas_jasa["high"] is True  # 350,000 ≥ 2 × 1,920,000 / 21
    assert cells[("Bojonegoro", od.jasa.name)]["high"] is False
    assert data.cells[0]["high"] is True  # highlighted cells first
    # Bojonegoro employees spend 420,000 + 350,000 in Kapas.
    assert data.flows == [
        {"origin": "Bojonegoro", "destination": "Kapas", "spend": 770_000, "purchases": 8}
    ]
    assert data.outflow[0]["outside"] == 770_000 and data.outflow[0]["spend"] == 1_920_000
    growth = {g["category"]: g for g in data.growth}
    assert growth[od.food.name]["prev_spend"] == 300_000
    assert growth[od.food.name]["spend"] == 1_020_000
    assert growth[od.jasa.name]["is_new"] is True
    assert data.running is False

    client.force_login(admin_user)
    html = client.get(reverse("reports:demand"), {"period": od.period}).content.decode()
    assert "Rp350.000" in html and "Rp770.000" in html
    with translation.override("id"):
        assert period_label(od.period) in html


def test_desk_report_defaults_to_the_last_month_over_and_says_running(client, od, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("reports:demand")).content.decode()
    assert f'value="{od.period}"' in html
    running = client.get(reverse("reports:demand"), {"period": current_period()}).content.decode()
    assert 'id="demand-running"' in running and "Bulan berjalan" in running
    bad = client.get(reverse("reports:demand"), {"period": "2026-1"})
    assert bad.status_code == 200 and 'value="2026-1"' in bad.content.decode()


def test_public_summary_uses_only_shown_figures(client, od):
    html = client.get(reverse("opendata:demand", args=[od.period])).content.decode()
    assert "Rp350.000" not in html  # the hidden Kapas services cell
    assert "Rp300.000" in html  # the crafts cell, 5 verified businesses: Rp60.000 each
    assert "Rp60.000" in html


def test_plug_in_sections_render_only_when_provided(client, od, admin_user):
    client.force_login(admin_user)
    desk = reverse("reports:demand")
    public = reverse("opendata:demand", args=[od.period])
    assert 'id="insight-' not in client.get(desk).content.decode()
    assert 'id="insight-' not in client.get(public).content.decode()
    calls = []

    def provider(*, period, public):
        calls.append((period, public))
        return insights.InsightSection(
            key=insights.UNMET_SEARCHES,
            title="Pencarian tanpa hasil",
            columns=("Kata", "Jumlah"),
            rows=(("kue-kue", "12"),),
        )

    wired = insights._providers.get(insights.UNMET_SEARCHES)  # the marketplace's, from ready()
    insights.register_insight(insights.UNMET_SEARCHES, provider)
    try:
        html = client.get(desk, {"period": od.period}).content.decode()
        assert 'id="insight-unmet_searches"' in html and "kue-kue" in html
        assert 'id="insight-views_without_orders"' not in html
        assert 'id="insight-unmet_searches"' in client.get(public).content.decode()
    finally:
        insights.unregister_insight(insights.UNMET_SEARCHES)
        if wired is not None:
            insights.register_insight(insights.UNMET_SEARCHES, wired)
    assert calls == [(od.period, False), (od.period, True)]
    with pytest.raises(ValueError):
        insights.register_insight("anything", provider)


def test_links_to_the_desk_report_only_for_those_who_may_open_it(
    client, admin_user, operator_user, verifier
):
    link = 'href="' + reverse("reports:demand") + '"'
    for user, shown in ((admin_user, True), (verifier, True), (operator_user, False)):
        client.force_login(user)
        sidebar = client.get(reverse("admin:index")).content.decode()
        index = client.get(reverse("reports:index")).content.decode()
        assert (link in sidebar) is shown, user
        assert (link in index) is shown, user
        assert "Potensi usaha baru" in sidebar if shown else True


def test_page_in_english_on_request(client, od):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("opendata:month", args=[od.period])).content.decode()
    assert "Programme impact" in html and "Download CSV" in html
    with translation.override("en"):
        assert period_label(od.period) in html  # e.g. "October 2026"
    # The files do not depend on the reader's language.
    csv_text = client.get(reverse("opendata:month_csv", args=[od.period])).content.decode()
    assert csv_text.splitlines()[0] == ",".join(FIELDS)


def test_the_marketplace_sections_are_wired_and_public_hides_rare_words(client, od, admin_user):
    from ebakul.marketplace.models import SearchLog
    from ebakul.merchants.models import Kecamatan

    kec = Kecamatan.objects.order_by("pk").first()
    SearchLog.objects.create(
        period=od.period, kecamatan=kec, term="servis jam", searches=7, empty_searches=7
    )
    SearchLog.objects.create(
        period=od.period, kecamatan=kec, term="budi santoso", searches=1, empty_searches=1
    )
    client.force_login(admin_user)
    desk = client.get(reverse("reports:demand"), {"period": od.period}).content.decode()
    assert 'id="insight-unmet_searches"' in desk
    assert "servis jam" in desk and "budi santoso" in desk
    client.logout()
    public = client.get(reverse("opendata:demand", args=[od.period])).content.decode()
    assert "servis jam" in public
    assert "budi santoso" not in public  # one search: may name a person, tells nothing
    assert 'id="insight-views_without_orders"' not in public
