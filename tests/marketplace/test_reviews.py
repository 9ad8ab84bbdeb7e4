import pytest

from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.marketplace import services as s
from ebakul.marketplace.models import Review
from ebakul.marketplace.selectors import merchant_page

from .conftest import listing

pytestmark = pytest.mark.django_db


def _completed(world):
    cart = s.cart_add(
        employee=world.buyer, listing=listing(world), quantity=1, actor=world.buyer_user
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
