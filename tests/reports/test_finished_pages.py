"""Reports that look finished (ADR 0152): sticky first column, "bulan berjalan" on a running
month, an explanation when a period is empty, the trend chart with only months that have data,
and the consumption map's JSON (merchants with coordinates, kecamatan points by spend)."""

import json
import re
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse

from ebakul.core.periods import current_period, next_period, period_label, previous_period
from ebakul.settings.base import tiles_origin


def _url(slug, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("reports:report", args=[slug]) + (f"?{query}" if query else "")


def _map_json(html: str) -> dict:
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no map data on the page"
    return json.loads(match.group(1))


def test_wide_table_scrolls_with_a_sticky_first_column(client, world, admin_user):
    client.force_login(admin_user)
    html = client.get(_url("consumption-map", period=world.period)).content.decode()
    assert 'class="eb-table-wrap eb-scroll-x"' in html
    table = html[html.index('id="report-table"') :]
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", table, re.S).group(1)
    ths = re.findall(r'<th class="([^"]*)"', head)
    assert "eb-sticky" in ths[0] and all("eb-sticky" not in c for c in ths[1:])
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table, re.S).group(1)
    assert "eb-sticky" in re.findall(r'<td class="([^"]*)"', first_row)[0]


def test_running_month_says_so_and_a_past_one_does_not(client, world, admin_user):
    client.force_login(admin_user)
    assert world.period == current_period()
    html = client.get(_url("consumption-map", period=world.period)).content.decode()
    assert "Bulan berjalan" in html and period_label(world.period) in html
    html = client.get(_url("consumption-map", period=world.prev)).content.decode()
    assert "Bulan berjalan" not in html


def test_empty_period_explains_why(client, world, admin_user):
    client.force_login(admin_user)
    old = previous_period(previous_period(world.prev))
    html = client.get(_url("consumption-map", period=old)).content.decode()
    assert 'id="report-empty"' in html
    assert f"Tidak ada data untuk {period_label(old)} dengan saringan ini" in html
    future = next_period(next_period(world.period))
    html = client.get(_url("consumption-map", period=future)).content.decode()
    assert f"{period_label(future)} belum dimulai" in html


def test_trend_chart_shows_only_months_with_data(client, world, admin_user):
    client.force_login(admin_user)
    start = previous_period(previous_period(previous_period(world.prev)))
    resp = client.get(_url("monthly-trend", period_from=start, period_to=world.period))
    chart = resp.context["chart"]
    labels = re.findall(r'text-anchor="middle" fill="[^"]*">([^<]+)</text>', chart)
    from django.utils.formats import date_format

    from ebakul.core.periods import period_first_day

    expected = {date_format(period_first_day(p), "M Y") for p in (world.prev, world.period)}
    assert set(labels) == expected  # the empty months before are not drawn
    assert not any(re.fullmatch(r"\d{4}-\d{2}", label) for label in labels)


def test_map_data_places_merchants_and_kecamatan_by_spend(
    client, world, admin_user, django_assert_max_num_queries
):
    m1, m2, m3, m4 = (world.merchants[k] for k in ("m1", "m2", "m3", "m4"))
    coords = {
        m1: ("-7.150000", "111.880000"),
        m2: ("-7.180000", "111.950000"),
        m3: ("-7.200000", "111.970000"),
    }  # m4 has none: table only
    for merchant, (lat, lng) in coords.items():
        type(merchant).objects.filter(pk=merchant.pk).update(
            latitude=Decimal(lat), longitude=Decimal(lng)
        )
    client.force_login(admin_user)
    url = _url("consumption-map", period=world.period)
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    data = _map_json(html)
    assert data["tiles"] == ""
    spend = {}
    for p in world.purchases:
        if p["period"] == world.period and p["status"] == "verified":
            spend[p["merchant"]] = spend.get(p["merchant"], 0) + p["amount"]
    names = {m.pk: m.business_name for m in (m1, m2, m3)}
    got = {m["name"]: m["spend"] for m in data["merchants"]}
    assert got == {names[pk]: v for pk, v in spend.items() if pk in names}
    assert m4.business_name not in got
    by_kec = {k["name"]: k for k in data["kecamatan"]}
    if "Kapas" in by_kec:
        kapas = by_kec["Kapas"]
        members = [m for m in (m2, m3) if m.pk in spend]
        assert kapas["spend"] == sum(spend[m.pk] for m in members)
        assert abs(kapas["lat"] - sum(float(coords[m][0]) for m in members) / len(members)) < 1e-6
    assert [k["spend"] for k in data["kecamatan"]] == sorted(
        (k["spend"] for k in data["kecamatan"]), reverse=True
    )
    assert all(p["spend_label"].startswith("Rp") for p in data["merchants"])
    assert "vendor/leaflet/leaflet.js" in html and "reports/map.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    # the heat table is kept below the map
    assert html.index('id="report-map"') < html.index('id="report-chart"')
    # tiles: only when configured, and then allowed as images only
    with override_settings(EBAKUL_MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png"):
        data = _map_json(client.get(url).content.decode())
    assert data["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_tiles_origin():
    assert tiles_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert tiles_origin("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"


def test_default_policy_allows_no_tile_origin(client, world, admin_user):
    client.force_login(admin_user)
    resp = client.get(_url("consumption-map", period=world.period))
    policy = resp["Content-Security-Policy"]
    img = re.search(r"img-src ([^;]*)", policy).group(1)
    assert img.split() == ["'self'", "data:"]
