import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ebakul.core.models import TimeStampedModel
from ebakul.core.money import format_rupiah
from ebakul.core.periods import period_of, validate_period
from ebakul.core.uploads import CleanFileField, stored_basename
from ebakul.core.validators import validate_not_in_future, validate_positive_amount

from .receipts import RECEIPT_POLICY

MSG_AMOUNT_TOO_LARGE = _("Amount is above the limit of %(limit)s for one purchase.")
MSG_QRIS_REFERENCE_REQUIRED = _("A QRIS payment needs its reference number.")


class PurchaseStatus(models.TextChoices):
    # States of the default purchase workflow. ``verified`` is the one that counts toward the
    # monthly minimum; administrators may add other states to the workflow.
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    MERCHANT_CONFIRMED = "merchant_confirmed", _("Confirmed by merchant")
    MERCHANT_DISPUTED = "merchant_disputed", _("Disputed by merchant")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    CONTESTED = "contested", _("Review requested")


# Purchases still in the pipeline: shown as "pending" spend.


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    QRIS = "qris", _("QRIS")
    TRANSFER = "transfer", _("Bank transfer")


class PurchaseLimit(TimeStampedModel):
    """Effective-dated upper bound of one purchase's amount (policy as data)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    max_amount = models.PositiveBigIntegerField(_("maximum amount per purchase (Rp)"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase limit")
        verbose_name_plural = _("purchase limits")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}: {format_rupiah(self.max_amount)}"

    @classmethod
    def in_force(cls, on: dt.date) -> "PurchaseLimit | None":
        return cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def receipt_upload_to(instance, filename: str) -> str:
    # ``filename`` is the server-chosen name from ebakul.core.uploads (sha256 of the stored
    # bytes + the stored format's extension); a client name is refused.
    return f"receipts/{instance.period or 'unknown'}/{stored_basename(filename)}"


def contest_upload_to(instance, filename: str) -> str:
    # Server-chosen name like a receipt's (ebakul.core.uploads); a client name is refused.
    return f"receipts/{instance.period or 'unknown'}/contest-{stored_basename(filename)}"


class Purchase(TimeStampedModel):
    document_number = models.CharField(
        _("document number"), max_length=30, unique=True, editable=False
    )
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        related_name="purchases",
        verbose_name=_("employee"),
    )
    merchant = models.ForeignKey(
        "merchants.UmkmMerchant",
        on_delete=models.PROTECT,
        related_name="purchases",
        verbose_name=_("merchant"),
    )
    purchased_at = models.DateTimeField(_("purchase time"), validators=[validate_not_in_future])
    period = models.CharField(
        _("period"), max_length=7, editable=False, db_index=True, validators=[validate_period]
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), validators=[validate_positive_amount])
    description = models.CharField(_("description"), max_length=255, blank=True, default="")
    category = models.ForeignKey(
        "merchants.MerchantCategory", on_delete=models.PROTECT, verbose_name=_("category")
    )
    receipt = CleanFileField(
        _("receipt photo"), upload_to=receipt_upload_to, policy=RECEIPT_POLICY.name
    )
    receipt_sha256 = models.CharField(
        _("receipt fingerprint"),
        max_length=64,
        editable=False,
        db_index=True,
        blank=True,
        default="",
    )
    payment_method = models.CharField(
        _("payment method"),
        max_length=10,
        choices=PaymentMethod.choices,
        default=PaymentMethod.CASH,
    )
    qris_reference = models.CharField(_("QRIS reference"), max_length=64, blank=True, default="")
    # Chosen by the phone for a draft (also one recorded offline and sent later): the same key
    # sent again returns the existing purchase instead of a second one (docs/adr/0162).
    client_key = models.CharField(
        _("client key"), max_length=64, null=True, blank=True, default=None, editable=False
    )
    status = models.CharField(
        _("status"), max_length=32, default=PurchaseStatus.DRAFT, db_index=True
    )
    # Two authors, two fields (docs/adr/0111): the merchant's note when confirming or disputing
    # the sale, and the verifier's reason for the last decision. Neither overwrites the other.
    merchant_note = models.TextField(
        _("merchant's note"),
        blank=True,
        default="",
        help_text=_("What the merchant wrote when disputing the sale."),
    )
    decision_reason = models.TextField(
        _("verifier's reason"),
        blank=True,
        default="",
        help_text=_("Why the verifier rejected the purchase."),
    )
    contest_evidence = CleanFileField(
        _("new evidence for the review"),
        upload_to=contest_upload_to,
        blank=True,
        policy=RECEIPT_POLICY.name,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords(excluded_fields=["receipt", "contest_evidence"])

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-purchased_at"]
        indexes = [
            models.Index(fields=["period", "status", "employee"]),
            models.Index(fields=["employee", "period"]),
            models.Index(fields=["merchant", "period"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="purchase_amount_gt_0"),
            # NULLs do not collide (MariaDB): only purchases sent with a key are unique by it.
            models.UniqueConstraint(
                fields=["employee", "client_key"], name="purchase_unique_client_key"
            ),
        ]

    def __str__(self):
        return self.document_number

    def save(self, *args, **kwargs):
        if self.purchased_at:
            self.period = period_of(self.purchased_at)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.purchased_at and self.amount:
            limit = PurchaseLimit.in_force(self.purchased_at.date())
            if limit and self.amount > limit.max_amount:
                errors["amount"] = [
                    ValidationError(
                        MSG_AMOUNT_TOO_LARGE, params={"limit": format_rupiah(limit.max_amount)}
                    )
                ]
        if self.payment_method == PaymentMethod.QRIS and not self.qris_reference:
            errors["qris_reference"] = [MSG_QRIS_REFERENCE_REQUIRED]
        if errors:
            raise ValidationError(errors)


class ReceiptReading(models.Model):
    """What OCR read on a purchase's receipt (issue 15): the text, for the verifier, and the values
    parsed from it, compared with what the employee typed (ebakul/integrity/checks/ocr.py).
    Written by a background task after the receipt is stored; never blocks a submission."""

    purchase = models.OneToOneField(
        Purchase,
        on_delete=models.CASCADE,
        related_name="receipt_reading",
        verbose_name=_("purchase"),
    )
    receipt_sha256 = models.CharField(
        _("receipt fingerprint"), max_length=64, blank=True, default=""
    )
    text = models.TextField(_("text read from the receipt"), blank=True, default="")
    amount = models.PositiveBigIntegerField(_("total read (Rp)"), null=True, blank=True)
    date = models.DateField(_("date read"), null=True, blank=True)
    receipt_number = models.CharField(
        _("receipt number read"), max_length=64, blank=True, default=""
    )
    seller_name = models.CharField(_("seller name read"), max_length=150, blank=True, default="")
    seller_phone = models.CharField(_("seller phone read"), max_length=20, blank=True, default="")
    seconds = models.FloatField(_("seconds"), default=0)
    engine = models.CharField(_("engine"), max_length=60, blank=True, default="")
    read_at = models.DateTimeField(_("read at"), auto_now=True)

    class Meta:
        verbose_name = _("receipt reading")
        verbose_name_plural = _("receipt readings")
        indexes = [models.Index(fields=["receipt_number"])]

    def __str__(self):
        return f"{self.purchase_id}: {self.amount} {self.date}"
