import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.marketplace.models import Listing, ListingModeration
from ebakul.marketplace.selectors import merchant_page, shown_listings
from ebakul.marketplace.services import listing_moderate, listing_save, storefront_save
from ebakul.merchants.models import MerchantStatus
from tests.factories import MerchantFactory

from .conftest import listing

pytestmark = pytest.mark.django_db


def _photo_with_exif(size=(2400, 1600)) -> SimpleUploadedFile:
    img = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8825] = {1: "S"}  # GPS
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return SimpleUploadedFile("foto saya.jpg", buf.getvalue(), content_type="image/jpeg")


def test_merchant_adds_a_listing_with_a_cleaned_photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = listing(world, photo=_photo_with_exif(), unit="porsi", stock=10)
    assert item.moderation == ListingModeration.VISIBLE
    assert item.name_norm == "nasi goreng ayam"
    assert "warung" in item.body_norm and "sri" in item.body_norm
    with item.photo.open("rb") as fh:
        img = Image.open(io.BytesIO(fh.read()))
        assert max(img.size) == 1200  # resized
        assert not img.getexif()  # metadata gone
    assert "foto" not in item.photo.name  # server-chosen name
    assert item.history.first().history_user == world.seller_user


def test_price_on_request_is_allowed(world):
    item = listing(world, name="Katering nasi kotak", price=None)
    assert item.price is None


def test_another_account_cannot_change_a_shop(world):
    item = listing(world)
    with pytest.raises(PermissionDeniedError):
        listing_save(
            merchant=world.shop, actor=world.seller2_user, name="Ganti", category=world.food
        )
    with pytest.raises(PermissionDeniedError):
        listing_save(
            merchant=world.shop2,
            actor=world.seller2_user,
            listing=item,
            name="Curian",
            category=world.food,
        )
    item.refresh_from_db()
    assert item.name == "Nasi goreng ayam"
    assert Listing.objects.count() == 1


def test_unverified_merchant_cannot_sell(world):
    draft = MerchantFactory(user=world.seller2_user, status=MerchantStatus.DRAFT)
    with pytest.raises(ConflictError):
        listing(world, merchant=draft)
    assert not Listing.objects.filter(merchant=draft).exists()


def test_suspended_merchants_listings_are_never_shown(world):
    item = listing(world)
    assert shown_listings().filter(pk=item.pk).exists()
    world.shop.status = MerchantStatus.SUSPENDED
    world.shop.save()
    assert not shown_listings().filter(pk=item.pk).exists()
    assert merchant_page(world.shop.pk) == (None, [])


def test_deny_list_sends_a_listing_to_review(world):
    item = listing(world, name="Titip beli Indomaret", description="antar ke kantor")
    assert item.moderation == ListingModeration.REVIEW
    assert "Indomaret" in item.moderation_reason
    assert not shown_listings().filter(pk=item.pk).exists()


def test_verifier_hides_with_a_reason_and_it_stays_hidden(world):
    item = listing(world)
    with pytest.raises(DomainError):
        listing_moderate(listing=item, actor=world.verifier, show=False, reason="  ")
    item.refresh_from_db()
    assert item.moderation == ListingModeration.VISIBLE
    with pytest.raises(PermissionDeniedError):
        listing_moderate(listing=item, actor=world.seller_user, show=False, reason="x")
    listing_moderate(listing=item, actor=world.verifier, show=False, reason="Foto menyesatkan")
    item.refresh_from_db()
    assert (item.moderation, item.moderation_reason) == ("hidden", "Foto menyesatkan")
    assert not shown_listings().filter(pk=item.pk).exists()
    # the merchant edits it: still hidden
    listing_save(
        merchant=world.shop,
        actor=world.seller_user,
        listing=item,
        name="Nasi goreng spesial",
        category=world.food,
    )
    item.refresh_from_db()
    assert item.moderation == ListingModeration.HIDDEN


def test_storefront_needs_pickup_or_delivery(world):
    with pytest.raises(DomainError):
        storefront_save(merchant=world.shop, actor=world.seller_user, offers_pickup=False)
    front = storefront_save(
        merchant=world.shop,
        actor=world.seller_user,
        offers_delivery=True,
        open_days="12345x",
        area_served=[world.kec, world.other_kec],
    )
    assert front.open_days == "12345"
    assert front.area_served.count() == 2
    with pytest.raises(PermissionDeniedError):
        storefront_save(merchant=world.shop, actor=world.seller2_user)
