from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ebakul.core.models import TimeStampedModel
from ebakul.core.periods import validate_period
from ebakul.core.uploads import CleanFileField

from .photos import PHOTO_POLICY, photo_upload_to


class Storefront(TimeStampedModel):
    """What a merchant's shop offers besides its products: hours, pickup/delivery, area served.
    Kept here, not on the merchant (docs/adr/0400)."""

    merchant = models.OneToOneField(
        "merchants.UmkmMerchant",
        on_delete=models.CASCADE,
        related_name="storefront",
        verbose_name=_("merchant"),
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    # ISO weekdays the shop opens, "1234567" = every day (1 = Monday).
    open_days = models.CharField(_("open days"), max_length=7, default="1234567", blank=True)
    offers_pickup = models.BooleanField(_("pickup"), default=True)
    offers_delivery = models.BooleanField(_("delivery"), default=False)
    area_served = models.ManyToManyField(
        "merchants.Kecamatan", blank=True, related_name="+", verbose_name=_("area served")
    )
    history = HistoricalRecords(m2m_fields=[area_served])

    class Meta:
        verbose_name = _("storefront")
        verbose_name_plural = _("storefronts")

    def __str__(self):
        return str(self.merchant_id)


class ListingKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")


class ListingModeration(models.TextChoices):
    VISIBLE = "visible", _("Shown")
    REVIEW = "review", _("Awaiting review")
    HIDDEN = "hidden", _("Hidden")


class Listing(TimeStampedModel):
    """A product or service of a merchant. ``price`` None means "price on request"."""

    merchant = models.ForeignKey(
        "merchants.UmkmMerchant",
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("merchant"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ListingKind.choices, default=ListingKind.PRODUCT
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, default="", max_length=2000)
    photo = CleanFileField(
        _("photo"), upload_to=photo_upload_to, blank=True, policy=PHOTO_POLICY.name
    )
    price = models.PositiveBigIntegerField(
        _("price (Rp)"), null=True, blank=True, help_text=_("Empty: price on request.")
    )
    unit = models.CharField(_("unit"), max_length=30, default="pcs")
    category = models.ForeignKey(
        "merchants.MerchantCategory", on_delete=models.PROTECT, verbose_name=_("category")
    )
    available = models.BooleanField(_("available"), default=True)
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True)
    moderation = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ListingModeration.choices,
        default=ListingModeration.VISIBLE,
        db_index=True,
    )
    moderation_reason = models.TextField(_("moderation reason"), blank=True, default="")
    # Normalised search columns (normalise.normalise), FULLTEXT-indexed on MariaDB.
    name_norm = models.CharField(max_length=255, editable=False, default="")
    body_norm = models.TextField(editable=False, default="")
    # The merchant's average review rating, copied onto its listings when a review is written
    # (services.merchant_rating_refresh), so search sorts and shows it without a subquery per
    # row (docs/adr/0422). None: no review yet.
    merchant_rating = models.FloatField(null=True, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["photo", "name_norm", "body_norm", "merchant_rating"]
    )

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["merchant", "name"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "name"], name="listing_unique_name")
        ]
        indexes = [models.Index(fields=["moderation", "available", "price"])]

    def __str__(self):
        return self.name


class SearchSynonym(TimeStampedModel):
    """``term`` (one word, e.g. ``nasgor``) is searched as ``canonical`` (``nasi goreng``)."""

    term = models.CharField(_("term"), max_length=60, unique=True)
    canonical = models.CharField(_("searched as"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.canonical}"


class SearchLog(models.Model):
    """Searches counted without the person: the normalised term, where, which month, and how
    many found nothing or little."""

    period = models.CharField(max_length=7, validators=[validate_period])
    kecamatan = models.ForeignKey(
        "merchants.Kecamatan", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    term = models.CharField(max_length=120)
    searches = models.PositiveIntegerField(default=0)
    empty_searches = models.PositiveIntegerField(default=0)
    few_searches = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search count")
        verbose_name_plural = _("search counts")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kecamatan", "term"], name="searchlog_unique_cell"
            )
        ]

    def __str__(self):
        return f"{self.period} {self.term}: {self.searches}"


class MerchantPageView(models.Model):
    merchant = models.ForeignKey(
        "merchants.UmkmMerchant", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("business page visits")
        verbose_name_plural = _("business page visits")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "day"], name="pageview_unique_day")
        ]

    def __str__(self):
        return f"{self.merchant_id} {self.day}: {self.views}"


class OrderStatus(models.TextChoices):
    CART = "cart", _("Cart")
    PLACED = "placed", _("Placed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    READY = "ready", _("Ready / sent")
    HANDED_OVER = "handed_over", _("Handed over")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Fulfilment(models.TextChoices):
    PICKUP = "pickup", _("Pickup")
    DELIVERY = "delivery", _("Delivery")


class Order(TimeStampedModel):
    number = models.CharField(_("order number"), max_length=30, blank=True, default="")
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("employee"),
    )
    merchant = models.ForeignKey(
        "merchants.UmkmMerchant",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("merchant"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.CART
    )
    fulfilment = models.CharField(
        _("pickup or delivery"),
        max_length=10,
        choices=Fulfilment.choices,
        default=Fulfilment.PICKUP,
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    objection = models.TextField(_("objection"), blank=True, default="")
    qris_reference = models.CharField(_("QRIS reference"), max_length=64, blank=True, default="")
    total = models.PositiveBigIntegerField(_("total (Rp)"), default=0)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The purchase the completed order became (a plain id: purchases sits above this app).
    purchase_id = models.PositiveBigIntegerField(_("purchase"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["employee", "status"]),
            models.Index(fields=["merchant", "status"]),
            models.Index(fields=["status", "placed_at"]),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    unit = models.CharField(_("unit"), max_length=30, default="pcs")
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    # None while the price is "on request": the merchant sets it when accepting.
    unit_price = models.PositiveBigIntegerField(_("unit price (Rp)"), null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "listing"], name="orderline_unique_listing")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.name}"

    @property
    def subtotal(self) -> int | None:
        return None if self.unit_price is None else self.unit_price * self.quantity


class Review(TimeStampedModel):
    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="review", verbose_name=_("order")
    )
    merchant = models.ForeignKey(
        "merchants.UmkmMerchant", on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), blank=True, default="", max_length=1000)
    reply = models.TextField(_("merchant's reply"), blank=True, default="", max_length=1000)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    text_hidden = models.BooleanField(_("text hidden"), default=False)
    hidden_reason = models.TextField(_("why hidden"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"
            )
        ]

    def __str__(self):
        return f"{self.order_id}: {self.rating}"
