import datetime as dt

import pytest
from django.utils import timezone

from ebakul.core.periods import current_period, previous_period
from ebakul.marketplace import services as s
from ebakul.marketplace.models import MerchantPageView
from ebakul.marketplace.selectors import merchants_viewed_not_ordered, unmet_searches

from .conftest import listing

pytestmark = pytest.mark.django_db


def test_merchants_with_many_views_and_few_orders(world, django_assert_max_num_queries):
    for _ in range(25):
        s.merchant_page_viewed(merchant_id=world.shop.pk)
        s.merchant_page_viewed(merchant_id=world.shop2.pk)
    assert MerchantPageView.objects.get(merchant=world.shop).views == 25
    # shop2 gets two orders this month: no longer "few"
    for name in ("Kopi", "Teh"):
        item = listing(world, name, merchant=world.shop2)
        cart = s.cart_add(employee=world.buyer, listing=item, quantity=1, actor=world.buyer_user)
        s.order_place(order=cart, actor=world.buyer_user)
    period = current_period()
    with django_assert_max_num_queries(1):
        rows = list(merchants_viewed_not_ordered(period=period, min_views=20, max_orders=1))
    assert [(r["merchant_id"], r["views"], r["orders"]) for r in rows] == [(world.shop.pk, 25, 0)]
    assert list(merchants_viewed_not_ordered(period=previous_period(period))) == []


def test_unmet_searches_group_by_month_and_kecamatan(world, django_assert_max_num_queries):
    now = timezone.now()
    last_month = now - dt.timedelta(days=40)
    s.search_logged(term="servis hp", kecamatan_id=world.kec.pk, results=0, at=last_month)
    s.search_logged(term="servis hp", kecamatan_id=world.kec.pk, results=0)
    s.search_logged(term="servis hp", kecamatan_id=world.other_kec.pk, results=1)
    s.search_logged(term="servis hp", kecamatan_id=None, results=0)
    s.search_logged(term="nasi", kecamatan_id=world.kec.pk, results=30)
    period = current_period()
    start = previous_period(previous_period(period))
    with django_assert_max_num_queries(1):
        rows = list(unmet_searches(period_from=start, period_to=period))
    cells = {(r["period"], r["kecamatan__name"], r["term"], r["empty"], r["few"]) for r in rows}
    assert ("nasi" not in {r["term"] for r in rows}) and len(rows) == 4
    assert (period, world.other_kec.name, "servis hp", 0, 1) in cells
    assert (period, None, "servis hp", 1, 0) in cells
