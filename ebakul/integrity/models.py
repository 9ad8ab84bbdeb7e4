"""Integrity records (issue 15): receipt fingerprints, risk scores with their reasons, the
administrators' weights and thresholds, the behaviour scan's findings and the import's rows."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ebakul.core.models import TimeStampedModel


class Route(models.TextChoices):
    REFUSED = "refused", _("Refused")
    INVESTIGATE = "investigate", _("Investigation")
    REVIEW = "review", _("Normal review")
    AUDIT_SAMPLE = "audit_sample", _("Audit sample")
    AUTO_VERIFIED = "auto_verified", _("Verified by the system")


class Hash64Field(models.PositiveBigIntegerField):
    """An unsigned 64-bit hash. MariaDB stores it as BIGINT UNSIGNED (BIT_COUNT works on it);
    SQLite (the embedded demo) has only signed 64-bit integers, so there it is stored as its
    two's complement and read back unsigned."""

    def db_check(self, connection):
        return None if connection.vendor == "sqlite" else super().db_check(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "sqlite" and value is not None and value >= 1 << 63:
            value -= 1 << 64
        return value

    def from_db_value(self, value, expression, connection):
        if value is not None and value < 0:
            value += 1 << 64
        return value


class ReceiptFingerprint(models.Model):
    """The hashes of one purchase's receipt (``fingerprints.py``). The near-duplicate lookup
    does not read this table row by row: ``hashindex.py`` keeps the 16-bit bands of the two 64-bit
    hashes in memory and points at the few close rows, which are then read by purchase
    (docs/adr/0220). A fingerprint whose hashes change is stored as a new row."""

    purchase = models.OneToOneField(
        "purchases.Purchase", on_delete=models.CASCADE, related_name="fingerprint"
    )
    sha256_bytes = models.CharField(max_length=64, db_index=True)
    sha256_pixels = models.CharField(max_length=64, db_index=True)
    phash = Hash64Field()
    dhash = Hash64Field()
    phash16 = models.CharField(max_length=64)
    # [[phash, dhash, phash16], ...] of the picture turned by 90, 180 and 270 degrees: looked up
    # with, never indexed.
    rotations = models.JSONField(default=list)
    # The same hashes of the paper (fingerprints.normalise_paper, docs/adr/0231): a second band
    # index. Empty on a fingerprint computed before they existed (manage.py
    # recompute_fingerprints fills them).
    paper_phash = Hash64Field(null=True, blank=True)
    paper_dhash = Hash64Field(null=True, blank=True)
    paper_phash16 = models.CharField(max_length=64, blank=True, default="")
    paper_rotations = models.JSONField(default=list, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("receipt fingerprint")
        verbose_name_plural = _("receipt fingerprints")

    def __str__(self):
        return f"{self.purchase_id}: {self.sha256_bytes[:12]}"


class PaymentReference(models.Model):
    """A purchase's payment reference, normalised and indexed (the purchase's own column is not)."""

    purchase = models.OneToOneField(
        "purchases.Purchase", on_delete=models.CASCADE, related_name="payment_reference_key"
    )
    reference = models.CharField(max_length=64, db_index=True)

    def __str__(self):
        return self.reference


class SignalWeight(TimeStampedModel):
    """An administrator's weight for one signal from a date on (the signal's default weight
    applies before the first one)."""

    signal_code = models.CharField(_("signal"), max_length=40)
    weight = models.SmallIntegerField(
        _("weight"),
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("-100 to 100; a negative weight lowers the score (a fact for the claim)."),
    )
    effective_from = models.DateField(_("effective from"), default=dt.date.today)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signal weight")
        verbose_name_plural = _("signal weights")
        ordering = ["signal_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["signal_code", "effective_from"], name="integrity_weight_code_from"
            )
        ]

    def __str__(self):
        return f"{self.signal_code} {self.weight} ({self.effective_from})"


class RiskPolicy(TimeStampedModel):
    """Thresholds and the audit sample, effective-dated (policy as data)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    review_from = models.PositiveSmallIntegerField(
        _("normal review from score"), default=25, validators=[MaxValueValidator(100)]
    )
    investigate_from = models.PositiveSmallIntegerField(
        _("investigation from score"), default=60, validators=[MaxValueValidator(100)]
    )
    audit_sample_percent = models.DecimalField(
        _("audit sample (%)"), max_digits=5, decimal_places=2, default=5
    )
    audit_seed = models.CharField(
        _("audit seed"),
        max_length=64,
        default="ebakul",
        help_text=_("With the document number it decides the audit draw; recorded per purchase."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk policy")
        verbose_name_plural = _("risk policies")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}: {self.review_from}/{self.investigate_from}"


class PurchaseRisk(models.Model):
    """The latest score of a purchase, its route and the audit draw that decided it."""

    purchase = models.OneToOneField(
        "purchases.Purchase", on_delete=models.CASCADE, related_name="risk"
    )
    score = models.PositiveSmallIntegerField(_("risk score"), db_index=True)
    route = models.CharField(_("route"), max_length=16, choices=Route.choices, db_index=True)
    period = models.CharField(_("period"), max_length=7, db_index=True)
    policy = models.ForeignKey(RiskPolicy, on_delete=models.PROTECT, null=True, blank=True)
    audit_seed = models.CharField(_("audit draw seed"), max_length=120, blank=True, default="")
    audit_draw = models.FloatField(_("audit draw"), null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase risk")
        verbose_name_plural = _("purchase risks")
        indexes = [models.Index(fields=["period", "route"])]

    def __str__(self):
        return f"{self.purchase_id}: {self.score} {self.route}"


class RiskReason(models.Model):
    risk = models.ForeignKey(PurchaseRisk, on_delete=models.CASCADE, related_name="reasons")
    signal_code = models.CharField(_("signal"), max_length=40, db_index=True)
    weight = models.SmallIntegerField(_("weight"))
    detail = models.CharField(_("detail"), max_length=300, blank=True, default="")
    related_purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    related_merchant = models.ForeignKey(
        "merchants.UmkmMerchant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("risk reason")
        verbose_name_plural = _("risk reasons")
        ordering = ["-weight", "signal_code"]

    def __str__(self):
        return f"{self.signal_code} {self.weight:+d}"


class BehaviourFinding(models.Model):
    """What the period scan saw about one purchase; the scan replaces a period's findings."""

    period = models.CharField(max_length=7, db_index=True)
    signal_code = models.CharField(max_length=40)
    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.CASCADE, related_name="behaviour_findings"
    )
    detail = models.CharField(max_length=300, blank=True, default="")
    related_merchant = models.ForeignKey(
        "merchants.UmkmMerchant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purchase", "signal_code"], name="integrity_behaviour_once"
            )
        ]

    def __str__(self):
        return f"{self.period} {self.signal_code} {self.purchase_id}"


class ImportedRow(models.Model):
    """One row of ``import_purchases`` by its ``external_id`` (the idempotency key): the
    purchase it became, or why it was refused."""

    external_id = models.CharField(max_length=80, unique=True)
    purchase = models.OneToOneField(
        "purchases.Purchase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    period = models.CharField(max_length=7, db_index=True, blank=True, default="")
    nip = models.CharField(max_length=30, blank=True, default="")
    merchant_nib = models.CharField(max_length=30, blank=True, default="")
    amount = models.PositiveBigIntegerField(default=0)
    refused_signals = models.CharField(max_length=200, blank=True, default="")
    message = models.CharField(max_length=500, blank=True, default="")
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.external_id
