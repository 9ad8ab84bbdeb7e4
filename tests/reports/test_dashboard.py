"""The desk dashboard (admin index with UNFOLD["DASHBOARD_CALLBACK"])."""

import datetime as dt
from collections import defaultdict

import pytest
from django.urls import reverse

from ebakul.compliance.models import MonthlyCompliance
from ebakul.core.money import format_rupiah
from ebakul.core.periods import period_bounds
from ebakul.merchants.models import UmkmMerchant
from ebakul.reports.selectors import dashboard_figures

pytestmark = pytest.mark.django_db


def test_dashboard_opens_with_the_right_figures(client, world, admin_user):
    client.force_login(admin_user)
    resp = client.get(reverse("admin:index"))
    assert resp.status_code == 200
    fig = resp.context["dashboard"]
    verified = [
        p for p in world.purchases if p["status"] == "verified" and p["period"] == world.period
    ]
    assert fig["verified_spend"] == sum(p["amount"] for p in verified) == 1_670_000
    assert fig["active_merchants"] == len({p["merchant"] for p in verified}) == 4
    waiting = [
        p
        for p in world.purchases
        if p["status"] in ("submitted", "merchant_confirmed", "merchant_disputed")
    ]
    assert fig["waiting"] == len(waiting) == 3
    comp = list(MonthlyCompliance.objects.filter(period=world.period))
    assert fig["compliance"]["below_target"] == sum(c.status == "shortfall" for c in comp)
    assessed = [c for c in comp if c.status != "exempt"]
    assert fig["compliance"]["rate"] == round(
        100 * sum(c.status == "compliant" for c in assessed) / len(assessed), 1
    )
    assert fig["verified_merchants"] == UmkmMerchant.objects.filter(status="verified").count()
    # Daily spend per WIB day: 23:30 WIB on the 1st stays on the 1st.
    per_day = defaultdict(int)
    for p in verified:
        per_day[p["day"]] += p["amount"]
    assert {d: v for d, v in fig["daily"] if v} == dict(per_day)
    first = min(per_day)
    assert per_day[first] == 850_000 and first.day == 1
    per_cat = defaultdict(int)
    for p in verified:
        per_cat[p["category"]] += p["amount"]
    assert dict(fig["by_category"]) == dict(per_cat)

    html = resp.content.decode()
    assert format_rupiah(1_670_000) in html
    assert html.count("<svg") >= 2
    assert 'data-kpi="compliance_rate"' in html
    assert reverse("reports:report", args=["consumption-map"]) in html


def test_dashboard_query_count_does_not_grow(world, admin_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PurchaseFactory

    with CaptureQueriesContext(connection) as small:
        dashboard_figures(user=admin_user)
    for i in range(15):
        PurchaseFactory(
            employee=world.employees[i % 6],
            merchant=world.merchants["m2"],
            status="verified",
            purchased_at=period_bounds(world.period)[0] + dt.timedelta(hours=2, minutes=i),
        )
    with CaptureQueriesContext(connection) as big:
        dashboard_figures(user=admin_user)
    assert len(big) == len(small) <= 8


def test_operator_dashboard_is_scoped(client, world, operator_user):
    client.force_login(operator_user)
    resp = client.get(reverse("admin:index"))
    assert resp.status_code == 200
    fig = resp.context["dashboard"]
    assert fig["verified_spend"] == sum(
        p["amount"]
        for p in world.purchases
        if p["unit"] == "DINKES" and p["status"] == "verified" and p["period"] == world.period
    )
    assert fig["compliance"]["employees"] == 3
