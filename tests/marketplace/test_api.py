"""``GET /api/v1/catalogue/products/``: scope, relevance order, filters, cursor pages."""

import pytest
from rest_framework.test import APIClient

from ebakul.api.models import SCOPE_CATALOGUE_READ, SCOPE_READ
from ebakul.api.services import api_key_create, integration_client_create
from ebakul.marketplace import services as s

from .conftest import World, listing

pytestmark = pytest.mark.django_db(transaction=True)  # FULLTEXT sees committed rows only
URL = "/api/v1/catalogue/products/"


def _client(scopes):
    issued = api_key_create(
        client=integration_client_create(name=f"Kanal {'-'.join(scopes)}"), scopes=list(scopes)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.raw}")
    return client


@pytest.fixture
def shop(ref):
    world = World()
    listing(world, "Nasi Goreng Kampung", price=15_000)
    listing(world, "Goreng Pisang Madu", merchant=world.shop2, price=3_000)
    listing(world, "Es Teh Manis", price=4_000)
    hidden = listing(world, "Nasi Goreng Rahasia", price=1)
    s.listing_moderate(listing=hidden, actor=world.verifier, show=False, reason="Bukan lokal")
    return world


def test_scope_is_required(shop):
    assert APIClient().get(URL).status_code == 401
    refused = _client([SCOPE_READ]).get(URL)
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")


def test_relevance_filters_and_fields(shop, django_assert_max_num_queries):
    api = _client([SCOPE_CATALOGUE_READ])
    body = api.get(URL, {"q": "nasi goreng"}).json()
    assert [r["name"] for r in body["results"]] == ["Nasi Goreng Kampung"]
    row = body["results"][0]
    assert row == {
        "id": row["id"],
        "name": "Nasi Goreng Kampung",
        "merchant_nib": shop.shop.nib,
        "merchant_name": "Warung Bu Sri",
        "price": 15_000,
        "unit": "pcs",
        "category": "makanan-minuman",
        "kecamatan": "Bojonegoro",
    }
    names = [r["name"] for r in api.get(URL, {"q": "goreng"}).json()["results"]]
    assert names[0] == "Goreng Pisang Madu"  # the name starts with it: most relevant
    assert set(names) == {"Goreng Pisang Madu", "Nasi Goreng Kampung"}
    by_place = api.get(URL, {"q": "goreng", "kecamatan": shop.other_kec.name}).json()
    assert [r["name"] for r in by_place["results"]] == ["Goreng Pisang Madu"]
    assert api.get(URL, {"category": "tidak-ada"}).json()["results"] == []
    bad = api.get(URL, {"kecamatan": "Atlantis"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")


def test_cursor_pages_without_and_with_q(shop):
    api = _client([SCOPE_CATALOGUE_READ])
    seen, url, params = [], URL, {"page_size": "2"}
    while url:
        body = api.get(url, params).json()
        seen += [r["name"] for r in body["results"]]
        url, params = body["next"], None
    assert sorted(seen) == ["Es Teh Manis", "Goreng Pisang Madu", "Nasi Goreng Kampung"]
    first = api.get(URL, {"q": "goreng", "page_size": "1"}).json()
    second = api.get(first["next"]).json()
    assert [r["name"] for r in first["results"] + second["results"]] == [
        "Goreng Pisang Madu",
        "Nasi Goreng Kampung",
    ]
    assert second["next"] is None
    assert api.get(URL, {"cursor": "!!"}).status_code == 400
