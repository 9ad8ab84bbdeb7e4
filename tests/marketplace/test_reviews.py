import pytest

from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.marketplace import services as s
from ebakul.marketplace.models import Review
from ebakul.marketplace.selectors import merchant_page

from .conftest import listing

pytestmark = pytest.mark.django_db


def _completed(world, name="Nasi goreng ayam"):
    cart = s.cart_add(
        employee=world.buyer, listing=listing(world, name=name), quantity=1, actor=world.buyer_user
    )
    order = s.order_place(order=cart, actor=world.buyer_user)
    s.order_accept(order=order, actor=world.seller_user)
    return order


def test_one_review_per_completed_order_with_reply_and_moderation(world):
    order = _completed(world)
    with pytest.raises(ConflictError):
        s.review_create(order=order, actor=world.buyer_user, rating=5, text="Enak")
    s.order_confirm_receipt(order=order, actor=world.buyer_user)
    with pytest.raises(PermissionDeniedError):
        s.review_create(order=order, actor=world.seller_user, rating=5)
    with pytest.raises(Exception):  # noqa: B017 - the rating's validation
        s.review_create(order=order, actor=world.buyer_user, rating=6)
    review = s.review_create(order=order, actor=world.buyer_user, rating=4, text="Enak, kasar")
    with pytest.raises(ConflictError):
        s.review_create(order=order, actor=world.buyer_user, rating=1)
    assert Review.objects.count() == 1
    merchant, _items = merchant_page(world.shop.pk)
    assert (merchant.rating_avg, merchant.rating_count) == (4, 1)

    with pytest.raises(PermissionDeniedError):
        s.review_reply(review=review, actor=world.seller2_user, text="Bukan toko saya")
    s.review_reply(review=review, actor=world.seller_user, text="Terima kasih")
    review.refresh_from_db()
    assert review.reply == "Terima kasih" and review.replied_at

    with pytest.raises(PermissionDeniedError):
        s.review_hide_text(review=review, actor=world.seller_user, reason="Tidak suka")
    with pytest.raises(DomainError):
        s.review_hide_text(review=review, actor=world.verifier, reason="")
    review.refresh_from_db()
    assert not review.text_hidden
    s.review_hide_text(review=review, actor=world.verifier, reason="Kata kasar")
    review.refresh_from_db()
    assert review.text_hidden and review.hidden_reason == "Kata kasar"
    assert review.history.first().history_user == world.verifier


def test_the_rating_copied_onto_listings_follows_every_review(world):
    """Search reads the merchant's rating from its listings (ADR 0422): written with each
    review, and given to a listing added later."""
    from ebakul.marketplace.models import Listing

    order = _completed(world)
    s.order_confirm_receipt(order=order, actor=world.buyer_user)
    assert set(Listing.objects.values_list("merchant_rating", flat=True)) == {None}
    s.review_create(order=order, actor=world.buyer_user, rating=3)
    second = _completed(world, name="Soto ayam")
    s.order_confirm_receipt(order=second, actor=world.buyer_user)
    s.review_create(order=second, actor=world.buyer_user, rating=4)
    later = listing(world, name="Es dawet")
    ratings = set(
        Listing.objects.filter(merchant=world.shop).values_list("merchant_rating", flat=True)
    )
    assert ratings == {3.5}
    assert Listing.objects.get(pk=later.pk).merchant_rating == 3.5
    assert not Listing.objects.filter(merchant=world.shop2, merchant_rating__isnull=False)
