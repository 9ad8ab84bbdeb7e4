"""The verifiers' moderation pages in the desk (/desk/pasar/, ADR 0420): the review queue of the
deny list, hiding a listing with a reason from the administrators' list and showing it again,
hiding the text of a review; who may, and that a refused request changes nothing."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from ebakul.accounts import roles
from ebakul.core.models import Notification
from ebakul.marketplace import services as s
from ebakul.marketplace.models import Listing, ListingModeration, Review
from ebakul.marketplace.selectors import shown_listings
from ebakul.workflow.models import ReasonKind, RefusalReason
from tests.factories import UserFactory

from .conftest import listing

pytestmark = pytest.mark.django_db


def _reason(kind=ReasonKind.LISTING_HIDE):
    return RefusalReason.objects.filter(kind=kind, active=True).order_by("order", "id").first()


def _state(item):
    row = Listing.objects.get(pk=item.pk)
    return row.moderation, row.moderation_reason


def _table(response) -> str:
    page = response.content.decode()
    return page[page.index('id="moderation-listings"') :]


def _review(world):
    cart = s.cart_add(
        employee=world.buyer, listing=listing(world), quantity=1, actor=world.buyer_user
    )
    order = s.order_place(order=cart, actor=world.buyer_user)
    s.order_accept(order=order, actor=world.seller_user)
    s.order_confirm_receipt(order=order, actor=world.buyer_user)
    return s.review_create(order=order, actor=world.buyer_user, rating=2, text="Penjualnya bodoh")


def test_reasons_of_the_administrators_list_are_seeded_for_both_kinds(world):
    assert _reason(ReasonKind.LISTING_HIDE) is not None
    assert _reason(ReasonKind.REVIEW_HIDE) is not None


def test_verifier_hides_a_listing_with_a_listed_reason_and_the_merchant_sees_it(world, client):
    item = listing(world, name="Kopi tubruk")
    reason = _reason()
    client.force_login(world.verifier)
    page = client.get(reverse("marketplace_desk:listing", args=[item.pk]))
    assert page.status_code == 200
    assert reason.label in page.content.decode()
    response = client.post(
        reverse("marketplace_desk:listing_decide", args=[item.pk]),
        {"decision": "hide", "reason": reason.pk, "comment": "Foto diambil dari toko lain"},
    )
    assert response.status_code == 302
    assert _state(item) == ("hidden", f"{reason.label}: Foto diambil dari toko lain")
    assert not shown_listings().filter(pk=item.pk).exists()
    assert Notification.objects.filter(user=world.seller_user, body__contains=reason.label)
    # the merchant reads the reason in its catalogue
    client.force_login(world.seller_user)
    catalogue = client.get(reverse("portal:market_catalogue")).content.decode()
    assert "Foto diambil dari toko lain" in catalogue
    # the hidden tab lists it; showing it again puts it back in search
    client.force_login(world.verifier)
    hidden = client.get(reverse("marketplace_desk:listings") + "?status=hidden")
    assert "Kopi tubruk" in hidden.content.decode()
    client.post(reverse("marketplace_desk:listing_decide", args=[item.pk]), {"decision": "show"})
    assert _state(item)[0] == "visible"
    assert shown_listings().filter(pk=item.pk).exists()


def test_deny_list_queue_approve_or_hide(world, client):
    first = listing(world, name="Titip beli Indomaret", description="antar ke kantor")
    second = listing(world, name="Roti Alfamart", description="titipan")
    assert first.moderation == second.moderation == ListingModeration.REVIEW
    client.force_login(world.verifier)
    queue = _table(client.get(reverse("marketplace_desk:listings")))
    assert "Titip beli Indomaret" in queue and "Roti Alfamart" in queue
    response = client.post(
        reverse("marketplace_desk:listing_decide", args=[first.pk]), {"decision": "show"}
    )
    assert response["Location"].endswith("?status=review")  # back to the queue
    client.post(
        reverse("marketplace_desk:listing_decide", args=[second.pk]),
        {"decision": "hide", "comment": "Produk jaringan ritel"},
    )
    assert _state(first) == ("visible", "")
    assert _state(second) == ("hidden", "Produk jaringan ritel")
    queue = _table(client.get(reverse("marketplace_desk:listings")))
    assert "Titip beli Indomaret" not in queue and "Roti Alfamart" not in queue
    assert 'id="moderation-empty"' in queue


@pytest.mark.parametrize(
    "post",
    [
        {"decision": "hide"},  # no reason at all
        {"decision": "hide", "comment": "   "},
        {"decision": "explode", "comment": "x"},
        {"decision": "hide", "reason": "999999"},
    ],
)
def test_a_refused_decision_changes_nothing_and_says_why(world, client, post):
    item = listing(world)
    client.force_login(world.verifier)
    response = client.post(
        reverse("marketplace_desk:listing_decide", args=[item.pk]), post, follow=True
    )
    assert _state(item) == ("visible", "")
    assert list(response.context["messages"])  # the reason the verifier sees


def test_a_reason_of_another_kind_is_refused(world, client):
    item = listing(world)
    client.force_login(world.verifier)
    client.post(
        reverse("marketplace_desk:listing_decide", args=[item.pk]),
        {"decision": "hide", "reason": _reason(ReasonKind.PURCHASE_REJECT).pk},
    )
    assert _state(item) == ("visible", "")


def test_only_verifiers_and_administrators(world, client):
    item = listing(world)
    operator = UserFactory(username="operator-x", role=roles.UNIT_OPERATOR)
    admin = UserFactory(username="admin-x", role=roles.ADMIN)
    urls = [
        reverse("marketplace_desk:listings"),
        reverse("marketplace_desk:listing", args=[item.pk]),
        reverse("marketplace_desk:reviews"),
    ]
    client.force_login(operator)
    for url in urls:
        assert client.get(url).status_code == 403
    post = {"decision": "hide", "comment": "Tidak pantas"}
    assert (
        client.post(reverse("marketplace_desk:listing_decide", args=[item.pk]), post).status_code
        == 403
    )
    for user in (world.seller_user, world.buyer_user):  # not desk users: to the desk login
        client.force_login(user)
        response = client.post(reverse("marketplace_desk:listing_decide", args=[item.pk]), post)
        assert response.status_code == 302 and "/desk/login/" in response["Location"]
    assert _state(item) == ("visible", "")
    client.force_login(admin)
    for url in urls:
        assert client.get(url).status_code == 200
    client.post(reverse("marketplace_desk:listing_decide", args=[item.pk]), post)
    assert _state(item) == ("hidden", "Tidak pantas")


def test_a_verifier_never_moderates_their_own_business(world, client):
    world.seller_user.groups.add(Group.objects.get(name=roles.VERIFIER))
    world.seller_user.is_staff = True
    world.seller_user.save()
    item = listing(world)
    client.force_login(world.seller_user)
    page = client.get(reverse("marketplace_desk:listing", args=[item.pk])).content.decode()
    assert 'id="listing-own"' in page and 'id="listing-hide"' not in page
    response = client.post(
        reverse("marketplace_desk:listing_decide", args=[item.pk]),
        {"decision": "hide", "comment": "Saya sembunyikan sendiri"},
        follow=True,
    )
    assert _state(item) == ("visible", "")
    assert "usaha Anda sendiri" in " ".join(str(m) for m in response.context["messages"])


def test_verifier_hides_the_text_of_a_review_and_both_sides_see_why(world, client):
    review = _review(world)
    reason = _reason(ReasonKind.REVIEW_HIDE)
    client.force_login(world.verifier)
    listed = client.get(reverse("marketplace_desk:reviews")).content.decode()
    assert "Penjualnya bodoh" in listed and reason.label in listed
    client.post(
        reverse("marketplace_desk:review_hide", args=[review.pk]),
        {"reason": reason.pk, "comment": ""},
    )
    review.refresh_from_db()
    assert review.text_hidden and review.hidden_reason == reason.label
    assert review.rating == 2 and review.text == "Penjualnya bodoh"  # kept, not shown
    for user, url in (
        (world.buyer_user, reverse("portal:market_order", args=[review.order_id])),
        (world.seller_user, reverse("portal:market_merchant_order", args=[review.order_id])),
    ):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert reason.label in page and "Penjualnya bodoh" not in page
        assert Notification.objects.filter(user=user, body__contains=reason.label).exists()
    # hiding twice is refused
    client.force_login(world.verifier)
    client.post(reverse("marketplace_desk:review_hide", args=[review.pk]), {"comment": "Lagi"})
    review.refresh_from_db()
    assert review.hidden_reason == reason.label


def test_a_verifier_never_hides_a_review_they_wrote_or_one_of_their_business(world, client):
    review = _review(world)
    operator = UserFactory(username="operator-y", role=roles.UNIT_OPERATOR)
    for user in (world.buyer_user, world.seller_user):
        user.groups.add(Group.objects.get(name=roles.VERIFIER))
        user.is_staff = True
        user.save()
        client.force_login(user)
        page = client.get(reverse("marketplace_desk:reviews")).content.decode()
        assert "another verifier decides" in page or "verifikator lain" in page
        client.post(reverse("marketplace_desk:review_hide", args=[review.pk]), {"comment": "Saya"})
    client.force_login(operator)
    response = client.post(
        reverse("marketplace_desk:review_hide", args=[review.pk]), {"comment": "Saya"}
    )
    assert response.status_code == 403
    review = Review.objects.get(pk=review.pk)
    assert not review.text_hidden and review.hidden_reason == ""
