"""The marketplace pages through the HTTP client: an employee searches, adds to the cart and
orders; the merchant answers; refused requests change nothing; the pages are Indonesian."""

import pytest
from django.urls import reverse

from ebakul.marketplace.models import Listing, MerchantPageView, Order, OrderStatus, SearchLog
from tests.language import english_words, visible_text

from .conftest import listing

pytestmark = pytest.mark.django_db


def _indonesian(response):
    assert response.status_code == 200
    found = english_words(visible_text(response.content.decode()))
    assert not found, found


@pytest.mark.django_db(transaction=True)  # InnoDB FULLTEXT sees committed rows only
def test_employee_orders_and_merchant_answers(world, client):
    item = listing(world, "Kue Lapis", price=5_000)
    client.force_login(world.buyer_user)
    page = client.get(reverse("portal:market_search"), {"q": "kue-kue"})
    _indonesian(page)
    assert "Kue Lapis" in page.content.decode()
    assert SearchLog.objects.get().term == "kue"  # normalised, no person
    shop = client.get(reverse("portal:market_merchant", args=[world.shop.pk]))
    _indonesian(shop)
    assert MerchantPageView.objects.get(merchant=world.shop).views == 1
    client.post(reverse("portal:market_cart_add", args=[item.pk]), {"quantity": "3"})
    cart = Order.objects.get(employee=world.buyer, status=OrderStatus.CART)
    _indonesian(client.get(reverse("portal:market_cart")))
    response = client.post(
        reverse("portal:market_cart_place", args=[cart.pk]),
        {f"cart{cart.pk}-fulfilment": "pickup", f"cart{cart.pk}-note": "jam 12"},
    )
    cart.refresh_from_db()
    assert cart.status == OrderStatus.PLACED and cart.total == 15_000
    assert response.url == reverse("portal:market_order", args=[cart.pk])
    _indonesian(client.get(response.url))
    _indonesian(client.get(reverse("portal:market_orders")))

    # another merchant cannot see or answer it
    client.force_login(world.seller2_user)
    assert client.get(reverse("portal:market_merchant_order", args=[cart.pk])).status_code == 404
    refused = client.post(reverse("portal:market_merchant_order_action", args=[cart.pk, "accept"]))
    assert refused.status_code == 404
    cart.refresh_from_db()
    assert cart.status == OrderStatus.PLACED

    client.force_login(world.seller_user)
    _indonesian(client.get(reverse("portal:market_merchant_orders")))
    _indonesian(client.get(reverse("portal:market_merchant_order", args=[cart.pk])))
    client.post(reverse("portal:market_merchant_order_action", args=[cart.pk, "accept"]))
    cart.refresh_from_db()
    assert cart.status == OrderStatus.ACCEPTED

    client.force_login(world.buyer_user)
    client.post(reverse("portal:market_order_action", args=[cart.pk, "confirm"]))
    cart.refresh_from_db()
    assert cart.status == OrderStatus.COMPLETED and cart.purchase_id
    client.post(
        reverse("portal:market_order_action", args=[cart.pk, "review"]),
        {"rating": "5", "text": "Mantap"},
    )
    assert cart.review.rating == 5

    client.force_login(world.seller_user)
    catalogue = client.get(reverse("portal:market_catalogue"))
    _indonesian(catalogue)
    assert "Rp15.000" in catalogue.content.decode()


def test_decline_without_reason_is_refused_and_shown(world, client):
    item = listing(world)
    client.force_login(world.buyer_user)
    client.post(reverse("portal:market_cart_add", args=[item.pk]), {"quantity": "1"})
    cart = Order.objects.get(employee=world.buyer)
    client.post(
        reverse("portal:market_cart_place", args=[cart.pk]), {f"cart{cart.pk}-fulfilment": "pickup"}
    )
    client.force_login(world.seller_user)
    url = reverse("portal:market_merchant_order_action", args=[cart.pk, "decline"])
    page = client.post(url, {"reason": ""}, follow=True)
    cart.refresh_from_db()
    assert cart.status == OrderStatus.PLACED
    assert "alasan" in page.content.decode().lower()
    client.post(url, {"reason": "Sedang tutup"})
    cart.refresh_from_db()
    assert (cart.status, cart.reason) == (OrderStatus.DECLINED, "Sedang tutup")
    client.force_login(world.buyer_user)
    detail = client.get(reverse("portal:market_order", args=[cart.pk]))
    assert "Sedang tutup" in detail.content.decode()


def test_merchant_keeps_catalogue_and_storefront(world, client):
    client.force_login(world.seller_user)
    _indonesian(client.get(reverse("portal:market_listing_new")))
    response = client.post(
        reverse("portal:market_listing_new"),
        {
            "kind": "product",
            "name": "Keripik Tempe",
            "price": "12000",
            "unit": "bungkus",
            "category": world.food.pk,
            "available": "on",
        },
    )
    assert response.status_code == 302
    item = Listing.objects.get(name="Keripik Tempe")
    assert item.merchant == world.shop and item.price == 12_000
    # another merchant's listing is not found, and stays as it was
    client.force_login(world.seller2_user)
    url = reverse("portal:market_listing_edit", args=[item.pk])
    assert client.post(url, {"name": "Curian"}).status_code == 404
    item.refresh_from_db()
    assert item.name == "Keripik Tempe"
    client.force_login(world.seller_user)
    _indonesian(client.get(reverse("portal:market_storefront")))
    client.post(
        reverse("portal:market_storefront"),
        {
            "opens_at": "07:00",
            "closes_at": "16:00",
            "open_days": ["1", "2", "3"],
            "offers_pickup": "on",
            "offers_delivery": "on",
            "area_served": [world.kec.pk],
        },
    )
    front = world.shop.storefront
    assert front.open_days == "123" and front.offers_delivery


def test_employee_pages_refuse_other_roles(world, client):
    client.force_login(world.seller_user)
    assert client.get(reverse("portal:market_search")).status_code == 403
    client.force_login(world.buyer_user)
    assert client.get(reverse("portal:market_catalogue")).status_code == 403
