from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ebakul.core.keyed_hash import identity_hash, mask_identifier
from ebakul.core.models import TimeStampedModel
from ebakul.core.validators import validate_kk, validate_nik, validate_nip, validate_nip_any

# Regionally classes run 1–15; higher levels of government use up to 17.
MIN_CLASS, MAX_CLASS = 1, 17
MSG_ACTIVE_RANGE = _("The end of activity cannot be before its start.")


class WorkUnit(TimeStampedModel):
    """An OPD (organisasi perangkat daerah) or other unit kerja."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kecamatan = models.ForeignKey(
        "merchants.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("kecamatan"),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work unit (OPD)")
        verbose_name_plural = _("work units (OPD)")
        ordering = ["name"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class EmployeeClass(TimeStampedModel):
    """Kelas jabatan."""

    number = models.PositiveSmallIntegerField(
        _("class number"),
        unique=True,
        validators=[MinValueValidator(MIN_CLASS), MaxValueValidator(MAX_CLASS)],
    )
    name = models.CharField(_("name"), max_length=100)
    default_tpp_ceiling = models.PositiveBigIntegerField(_("default TPP ceiling (Rp)"))
    fixed_min_spend = models.PositiveBigIntegerField(
        _("fixed minimum spend (Rp)"),
        null=True,
        blank=True,
        help_text=_("When set, replaces the computed minimum for this class."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("job class")
        verbose_name_plural = _("job classes")
        ordering = ["number"]

    def __str__(self):
        return str(self.name)


class EmployeeType(models.TextChoices):
    PNS = "PNS", "PNS"
    PPPK = "PPPK", "PPPK"


class Employee(TimeStampedModel):
    nip = models.CharField(_("NIP"), max_length=18, unique=True, validators=[validate_nip_any])
    name = models.CharField(_("name"), max_length=150)
    employee_type = models.CharField(_("employee type"), max_length=4, choices=EmployeeType.choices)
    employee_class = models.ForeignKey(
        EmployeeClass, on_delete=models.PROTECT, verbose_name=_("job class")
    )
    work_unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, verbose_name=_("work unit"), related_name="employees"
    )
    tpp_ceiling = models.PositiveBigIntegerField(
        _("TPP ceiling (Rp)"),
        null=True,
        blank=True,
        help_text=_("From e-TPP; overrides the job class default."),
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("user"),
    )
    home_kecamatan = models.ForeignKey(
        "merchants.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("home kecamatan"),
    )
    # Personal identifiers from e-TPP (issue 15): the raw numbers are for administrators only;
    # matching uses the keyed hashes and verifiers see the masked form (docs/adr/0210).
    nik = models.CharField(
        _("NIK"), max_length=16, blank=True, default="", validators=[validate_nik]
    )
    nik_hash = models.CharField(
        max_length=64, blank=True, default="", db_index=True, editable=False
    )
    kk_number = models.CharField(
        _("family card (KK) number"),
        max_length=16,
        blank=True,
        default="",
        validators=[validate_kk],
    )
    kk_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["nip"]
        indexes = [models.Index(fields=["work_unit", "employee_class"])]

    def __str__(self):
        return f"{self.name} ({self.nip})"

    def save(self, *args, **kwargs):
        self.nik_hash = identity_hash("nik", self.nik)
        self.kk_hash = identity_hash("kk", self.kk_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"nik": "nik_hash", "kk_number": "kk_hash"}
            kwargs["update_fields"] = {
                *update_fields,
                *(extra[f] for f in update_fields if f in extra),
            }
        super().save(*args, **kwargs)

    @property
    def nik_masked(self) -> str:
        return mask_identifier(self.nik)

    @property
    def kk_number_masked(self) -> str:
        return mask_identifier(self.kk_number)

    @property
    def effective_tpp_ceiling(self) -> int:
        if self.tpp_ceiling is not None:
            return self.tpp_ceiling
        return self.employee_class.default_tpp_ceiling

    def clean(self):
        errors = {}
        if self.nip and self.employee_type:
            try:
                validate_nip(self.nip, employee_type=self.employee_type)
            except ValidationError as exc:
                errors["nip"] = exc.messages
        if self.active_from and self.active_to and self.active_to < self.active_from:
            errors["active_to"] = [MSG_ACTIVE_RANGE]
        if errors:
            raise ValidationError(errors)


class UnitOperator(TimeStampedModel):
    """An OPD operator account and the unit whose rows it may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="operated_units",
        verbose_name=_("user"),
    )
    work_unit = models.ForeignKey(
        WorkUnit, on_delete=models.CASCADE, related_name="operators", verbose_name=_("work unit")
    )

    class Meta:
        verbose_name = _("unit operator")
        verbose_name_plural = _("unit operators")
        constraints = [
            models.UniqueConstraint(fields=["user", "work_unit"], name="uniq_unit_operator")
        ]

    def __str__(self):
        return f"{self.user} → {self.work_unit}"
