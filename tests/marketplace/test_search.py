"""Search on the real MariaDB FULLTEXT index. InnoDB makes a row searchable only once its
transaction commits, so these tests commit (``transaction=True``) and reload reference data."""

import datetime as dt
from types import SimpleNamespace

import pytest

from ebakul.core.periods import WIB, current_period
from ebakul.marketplace import selectors
from ebakul.marketplace import services as s
from ebakul.marketplace.models import SearchLog, SearchSynonym
from ebakul.marketplace.selectors import search_listings, unmet_searches
from ebakul.merchants.models import MerchantCategory, MerchantStatus

from .conftest import World, listing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop_world(ref):
    world = World()
    SearchSynonym.objects.get_or_create(term="nasgor", defaults={"canonical": "nasi goreng"})
    crafts = MerchantCategory.objects.exclude(code="makanan-minuman").first()
    world.items = {
        "nasgor": listing(world, "Nasi Goreng Kampung", price=15_000),
        "kue": listing(world, "Kue Lapis Legit", description="kue basah", price=5_000),
        "jamu": listing(world, "Jamu Kunyit Asam", price=8_000),
        "esteh": listing(world, "Es Teh Manis", price=4_000),
        "cendol": listing(world, "Dawet Ayu", description="tjendol hijau", price=6_000),
        "batik": listing(
            world, "Batik Tulis Jonegoroan", merchant=world.shop2, price=250_000, category=crafts
        ),
        "kopi": listing(world, "Kopi Tubruk", merchant=world.shop2, price=5_000),
        "goreng2": listing(world, "Pisang Goreng", merchant=world.shop2, price=2_000),
    }
    world.crafts = crafts
    return world


def _names(qs):
    return [item.name for item in qs]


@pytest.fixture(params=["mysql", "sqlite"])
def engine(request, monkeypatch):
    """The FULLTEXT path, and the demo's fallback (same columns, LIKE) run on the same data."""
    if request.param == "sqlite":
        monkeypatch.setattr(selectors, "connection", SimpleNamespace(vendor="sqlite"))
    return request.param


def test_words_variants_reduplication_and_synonyms(shop_world, engine):
    assert _names(search_listings(q="nasi goreng"))[0] == "Nasi Goreng Kampung"
    assert _names(search_listings(q="NASGOR")) == ["Nasi Goreng Kampung"]
    assert _names(search_listings(q="kue-kue")) == ["Kue Lapis Legit"]
    assert _names(search_listings(q="djamoe")) == ["Jamu Kunyit Asam"]
    assert _names(search_listings(q="cendol")) == ["Dawet Ayu"]
    assert _names(search_listings(q="es teh")) == ["Es Teh Manis"]
    assert _names(search_listings(q="oreng")) == []  # words and their beginnings, no infixes
    assert len(_names(search_listings(q="gor"))) == 2
    # a merchant's name finds its products; words in the name rank first
    assert set(_names(search_listings(q="pak joko"))) == {
        "Batik Tulis Jonegoroan",
        "Kopi Tubruk",
        "Pisang Goreng",
    }
    assert _names(search_listings(q="goreng"))[0:2] == ["Nasi Goreng Kampung", "Pisang Goreng"]


def test_filters_and_sorting(shop_world):
    w = shop_world
    assert _names(search_listings(q="goreng", kecamatan_id=w.other_kec.pk)) == ["Pisang Goreng"]
    assert _names(search_listings(category=w.crafts.code)) == ["Batik Tulis Jonegoroan"]
    assert _names(search_listings(price_min=5_000, price_max=6_000, sort="price")) == [
        "Kue Lapis Legit",
        "Kopi Tubruk",
        "Dawet Ayu",
    ]
    prices = [i.price for i in search_listings(sort="price")]
    assert prices == sorted(prices)
    assert search_listings(delivers=True).count() == 0
    s.storefront_save(merchant=w.shop2, actor=w.seller2_user, offers_delivery=True)
    assert search_listings(delivers=True).count() == 3
    near = _names(search_listings(near_kecamatan_id=w.other_kec.pk, sort="distance"))
    assert set(near[:3]) == {"Batik Tulis Jonegoroan", "Kopi Tubruk", "Pisang Goreng"}
    assert len(near) == 8


def test_open_now(shop_world):
    w = shop_world
    s.storefront_save(
        merchant=w.shop2,
        actor=w.seller2_user,
        opens_at=dt.time(7),
        closes_at=dt.time(17),
        open_days="12345",
    )
    monday_noon = dt.datetime(2026, 11, 30, 12, tzinfo=WIB)
    sunday_noon = dt.datetime(2026, 11, 29, 12, tzinfo=WIB)
    monday_night = dt.datetime(2026, 11, 30, 20, tzinfo=WIB)
    assert search_listings(open_now=True, at=monday_noon).count() == 3
    assert search_listings(open_now=True, at=sunday_noon).count() == 0
    assert search_listings(open_now=True, at=monday_night).count() == 0


def test_hidden_and_suspended_are_never_found(shop_world):
    w = shop_world
    s.listing_moderate(listing=w.items["kopi"], actor=w.verifier, show=False, reason="Bukan lokal")
    assert _names(search_listings(q="kopi")) == []
    w.shop.status = MerchantStatus.SUSPENDED
    w.shop.save()
    assert _names(search_listings(q="nasi goreng")) == []


def test_search_query_count_is_flat(shop_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # synonyms + the search itself
        list(search_listings(q="goreng", sort="rating"))


def test_searches_are_counted_without_the_person(shop_world):
    period = current_period()
    k = shop_world.kec.pk
    s.search_logged(term="sate kambing", kecamatan_id=k, results=0)
    s.search_logged(term="sate kambing", kecamatan_id=k, results=0)
    s.search_logged(term="sate kambing", kecamatan_id=k, results=2)
    s.search_logged(term="kopi", kecamatan_id=k, results=12)
    log = SearchLog.objects.get(term="sate kambing")
    assert (log.searches, log.empty_searches, log.few_searches) == (3, 2, 1)
    assert {f.name for f in SearchLog._meta.get_fields()} == {
        "id",
        "period",
        "kecamatan",
        "term",
        "searches",
        "empty_searches",
        "few_searches",
    }
    rows = list(unmet_searches(period_from=period, period_to=period))
    assert rows == [
        {
            "period": period,
            "kecamatan__name": "Bojonegoro",
            "term": "sate kambing",
            "searches": 3,
            "empty": 2,
            "few": 1,
        }
    ]
