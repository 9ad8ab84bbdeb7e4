"""Search quality (issue 17): 200 products, 30 queries with their relevant products
(bench/search_quality.json: spelling variants, reduplication, synonyms, plain words).
precision@5 = relevant among the first five / min(5, relevant), averaged over the queries; the
figure is recorded in bench/RESULTS.md. Both the FULLTEXT path and the SQLite fallback."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from ebakul.marketplace import selectors
from ebakul.marketplace.models import Listing
from ebakul.marketplace.selectors import search_listings
from ebakul.marketplace.services import index_listing, synonyms
from ebakul.merchants.models import MerchantCategory
from tests.factories import verified_merchant

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURE = Path(__file__).resolve().parents[2] / "bench" / "search_quality.json"
GOAL = 0.9


def precision_at_5(data) -> tuple[float, list[tuple[str, float, list[str]]]]:
    rows = []
    for query in data["queries"]:
        top = [item.name for item in search_listings(q=query["q"])[:5]]
        relevant = set(query["relevant"])
        hits = sum(1 for name in top if name in relevant)
        rows.append((query["q"], hits / min(5, len(relevant)), top))
    return sum(p for _q, p, _top in rows) / len(rows), rows


@pytest.mark.parametrize("engine", ["mysql", "sqlite"])
def test_precision_at_5(ref, engine, monkeypatch, capsys):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert len(data["products"]) == 200 and len(data["queries"]) == 30
    categories = {c.code: c for c in MerchantCategory.objects.all()}
    shops = {}
    syn = synonyms()
    items = []
    for p in data["products"]:
        shop = shops.get(p["merchant"]) or verified_merchant(business_name=p["merchant"])
        shops[p["merchant"]] = shop
        item = Listing(
            merchant=shop,
            name=p["name"],
            description=p["description"],
            price=p["price"],
            category=categories[p["category"]],
        )
        index_listing(item, syn)
        items.append(item)
    Listing.objects.bulk_create(items)
    if engine == "sqlite":
        monkeypatch.setattr(selectors, "connection", SimpleNamespace(vendor="sqlite"))
    mean, rows = precision_at_5(data)
    with capsys.disabled():
        print(f"\nprecision@5 ({engine}): {mean:.3f}")
        for q, p, top in rows:
            if p < 1:
                print(f"  {q!r}: {p:.2f} {top}")
    assert mean >= GOAL, rows
