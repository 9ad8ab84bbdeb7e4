from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ebakul.core.keyed_hash import identity_hash, mask_identifier
from ebakul.core.models import TimeStampedModel
from ebakul.core.validators import (
    mask_nik,
    validate_kk,
    validate_nib,
    validate_nik,
    validate_phone,
    validate_qris_nmid,
)


class Kecamatan(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Official sub-district codes are not confirmed: editable, optional.
    code = models.CharField(_("code"), max_length=20, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MerchantCategory(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("merchant category")
        verbose_name_plural = _("merchant categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChainDenyEntry(TimeStampedModel):
    """A modern-retail chain or franchise name; merchants whose name contains it are refused."""

    name = models.CharField(_("chain name"), max_length=100, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("excluded chain")
        verbose_name_plural = _("excluded chains")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MerchantStatus(models.TextChoices):
    # The default merchant workflow's states. Administrators may add states to the workflow;
    # ``status`` is therefore not restricted to these choices in the database.
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    NEEDS_FIX = "needs_fix", _("Needs correction")
    SUSPENDED = "suspended", _("Suspended")


class MerchantScale(models.TextChoices):
    MICRO = "micro", _("Micro")
    ULTRA_MICRO = "ultra_micro", _("Ultra-micro")


class UmkmMerchant(TimeStampedModel):
    document_number = models.CharField(
        _("document number"), max_length=30, unique=True, editable=False
    )
    business_name = models.CharField(_("business name"), max_length=150)
    owner_name = models.CharField(_("owner name"), max_length=150)
    owner_nik = models.CharField(_("owner NIK"), max_length=16, validators=[validate_nik])
    owner_nik_hash = models.CharField(
        max_length=64, blank=True, default="", db_index=True, editable=False
    )
    owner_kk = models.CharField(
        _("owner family card (KK) number"),
        max_length=16,
        blank=True,
        default="",
        validators=[validate_kk],
    )
    owner_kk_hash = models.CharField(
        max_length=64, blank=True, default="", db_index=True, editable=False
    )
    nib = models.CharField(_("NIB"), max_length=13, unique=True, validators=[validate_nib])
    category = models.ForeignKey(
        MerchantCategory, on_delete=models.PROTECT, verbose_name=_("category")
    )
    scale = models.CharField(
        _("scale"), max_length=12, choices=MerchantScale.choices, default=MerchantScale.MICRO
    )
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, verbose_name=_("kecamatan"))
    village = models.CharField(_("village / kelurahan"), max_length=100)
    address = models.CharField(_("address"), max_length=255)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(
        _("phone"), max_length=16, blank=True, default="", validators=[validate_phone]
    )
    qris_nmid = models.CharField(
        _("QRIS NMID"),
        max_length=15,
        blank=True,
        default="",
        validators=[validate_qris_nmid],
        db_index=True,
    )
    # The whole QRIS payload as decoded or pasted (ebakul/merchants/qris.py) and what it says.
    qris_payload = models.TextField(_("QRIS payload"), blank=True, default="", editable=False)
    qris_name = models.CharField(
        _("name in the QRIS"), max_length=100, blank=True, default="", editable=False
    )
    qris_city = models.CharField(
        _("city in the QRIS"), max_length=50, blank=True, default="", editable=False
    )
    is_modern_retail = models.BooleanField(
        _("modern retail / franchise"),
        default=False,
        help_text=_("Chains and franchises are not eligible for the programme."),
    )
    status = models.CharField(
        _("status"), max_length=32, default=MerchantStatus.DRAFT, db_index=True
    )
    status_note = models.TextField(
        _("status note"),
        blank=True,
        default="",
        help_text=_("What is missing, or why it was rejected."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merchants",
        verbose_name=_("user"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("UMKM merchant")
        verbose_name_plural = _("UMKM merchants")
        ordering = ["business_name"]
        indexes = [models.Index(fields=["kecamatan", "category"])]

    def __str__(self):
        return f"{self.business_name} ({self.document_number})"

    @property
    def owner_nik_masked(self) -> str:
        return mask_nik(self.owner_nik)

    @property
    def owner_kk_masked(self) -> str:
        return mask_identifier(self.owner_kk)

    def save(self, *args, **kwargs):
        # The keyed hashes used for matching (docs/adr/0210) follow the raw numbers on every save.
        self.owner_nik_hash = identity_hash("nik", self.owner_nik)
        self.owner_kk_hash = identity_hash("kk", self.owner_kk)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"owner_nik": "owner_nik_hash", "owner_kk": "owner_kk_hash"}
            kwargs["update_fields"] = {
                *update_fields,
                *(extra[f] for f in update_fields if f in extra),
            }
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        from .selectors import chain_match

        if self.business_name and chain_match(self.business_name):
            raise ValidationError(
                {"business_name": _("Modern retail chains and franchises are not eligible.")}
            )


class MerchantVerificationSpan(models.Model):
    """When a merchant was verified: a purchase counts only if its time falls in a span.

    Maintained by ``merchants.services.merchant_status_changed`` on every status transition.
    """

    merchant = models.ForeignKey(
        UmkmMerchant, on_delete=models.CASCADE, related_name="verification_spans"
    )
    verified_from = models.DateTimeField(_("verified from"))
    verified_until = models.DateTimeField(_("verified until"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification span")
        verbose_name_plural = _("verification spans")
        ordering = ["merchant", "verified_from"]
        indexes = [models.Index(fields=["merchant", "verified_from", "verified_until"])]

    def __str__(self):
        return f"{self.merchant_id}: {self.verified_from} – {self.verified_until or '…'}"
