"""Monthly compliance: spending rules, the period calendar, exemptions, results, deductions,
appeals, reminders and job runs.

Policy numbers live in ``SpendingRule`` rows (effective-dated, edited in the desk); nothing here
holds a formula string. Results (``MonthlyCompliance``, ``TppDeduction``) are written only by
``compliance.services`` in bulk, set-based statements.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ebakul.core.models import TimeStampedModel
from ebakul.core.money import format_rupiah
from ebakul.core.periods import validate_period
from ebakul.core.uploads import CleanFileField, stored_basename

from .evidence import EVIDENCE_POLICY

MSG_CLOSE_ORDER = _(
    "The submission close must come before the verification close, and that before the "
    "appeal close."
)
MSG_EXEMPTION_RANGE = _("The end date of an exemption cannot be before its start date.")


class RoundingMode(models.TextChoices):
    NONE = "none", _("No rounding (whole rupiah, up)")
    UP = "up", _("Round up to the unit")
    NEAREST = "nearest", _("Round to the nearest unit")
    DOWN = "down", _("Round down to the unit")


class SanctionMode(models.TextChoices):
    SHORTFALL = "shortfall", _("Deduct the shortfall")
    PROPORTIONAL = "proportional", _("Deduct a proportional share of the TPP (capped)")
    WITHHOLD = "withhold", _("Withhold the TPP")


class SpendingRule(TimeStampedModel):
    """The minimum-spend policy in force from ``effective_from``. A period uses the rule in force
    on its last day (see ADR 0030)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True, default="")
    rate_bp = models.PositiveIntegerField(
        _("rate of the TPP ceiling (basis points)"),
        default=1000,
        validators=[MaxValueValidator(10000)],
        help_text=_("1000 = 10% of the TPP ceiling."),
    )
    floor_amount = models.PositiveBigIntegerField(_("floor (Rp)"), default=300_000)
    rounding_mode = models.CharField(
        _("rounding"), max_length=10, choices=RoundingMode.choices, default=RoundingMode.UP
    )
    rounding_unit = models.PositiveIntegerField(
        _("rounding unit (Rp)"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("For example 1000 to round to whole thousands of rupiah."),
    )
    sanction_mode = models.CharField(
        _("sanction mode"),
        max_length=16,
        choices=SanctionMode.choices,
        default=SanctionMode.SHORTFALL,
    )
    proportional_cap_bp = models.PositiveIntegerField(
        _("cap of the proportional deduction (basis points of the TPP)"),
        default=10000,
        validators=[MaxValueValidator(10000)],
        help_text=_("5000 = at most 50% of the TPP ceiling is deducted."),
    )
    submission_close_day = models.PositiveSmallIntegerField(
        _("submission close (day of the next month)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    verification_close_day = models.PositiveSmallIntegerField(
        _("verification close (day of the next month)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    appeal_close_day = models.PositiveSmallIntegerField(
        _("appeal close (day of the next month)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    close_time = models.TimeField(_("closing time (WIB)"), default=dt.time(23, 59))
    note = models.TextField(_("note"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spending rule")
        verbose_name_plural = _("spending rules")
        ordering = ["-effective_from"]

    def __str__(self):
        return self.name or (
            f"{self.effective_from}: {self.rate_bp / 100:g}% / {format_rupiah(self.floor_amount)}"
        )

    def clean(self):
        if not (self.submission_close_day < self.verification_close_day < self.appeal_close_day):
            raise ValidationError(MSG_CLOSE_ORDER)


class SpendingRuleClassAmount(models.Model):
    """A fixed minimum for one job class under a rule; replaces max(floor, rate × ceiling)."""

    rule = models.ForeignKey(
        SpendingRule, on_delete=models.CASCADE, related_name="class_amounts", verbose_name=_("rule")
    )
    employee_class = models.ForeignKey(
        "employees.EmployeeClass", on_delete=models.PROTECT, verbose_name=_("job class")
    )
    fixed_amount = models.PositiveBigIntegerField(_("fixed minimum (Rp)"))

    class Meta:
        verbose_name = _("fixed amount per job class")
        verbose_name_plural = _("fixed amounts per job class")
        constraints = [
            models.UniqueConstraint(fields=["rule", "employee_class"], name="uniq_rule_class")
        ]

    def __str__(self):
        return f"{self.employee_class}: {format_rupiah(self.fixed_amount)}"


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPUTED = "computed", _("Computed")
    LOCKED = "locked", _("Locked")


class Period(TimeStampedModel):
    """A month (WIB) and its calendar. Created lazily from the rule in force on its last day;
    the dates may be edited by administrators until the period is locked."""

    period = models.CharField(_("period"), max_length=7, unique=True, validators=[validate_period])
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    submission_close = models.DateTimeField(_("submission close"))
    verification_close = models.DateTimeField(_("verification close"))
    appeal_close = models.DateTimeField(_("appeal close"))
    rule = models.ForeignKey(
        SpendingRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("rule used"),
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-period"]

    def __str__(self):
        return self.period

    def clean(self):
        if (
            self.submission_close
            and self.verification_close
            and self.appeal_close
            and not (self.submission_close <= self.verification_close <= self.appeal_close)
        ):
            raise ValidationError(MSG_CLOSE_ORDER)


class ExemptionReason(models.TextChoices):
    LEAVE = "leave", _("Leave (cuti)")
    STUDY = "study", _("Study assignment (tugas belajar)")
    ASSIGNMENT = "assignment", _("Assignment outside the regency")
    MEDICAL = "medical", _("Illness")
    OTHER = "other", _("Other")


class ExemptionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Exemption(TimeStampedModel):
    """Days on which an employee is exempt. When the approved days cover every active day of a
    month the employee is exempt that month; otherwise the requirement is pro-rated."""

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.CASCADE,
        related_name="exemptions",
        verbose_name=_("employee"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    reason = models.CharField(_("reason"), max_length=12, choices=ExemptionReason.choices)
    note = models.TextField(_("note"), blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExemptionStatus.choices,
        default=ExemptionStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["status", "start_date", "end_date"])]

    def __str__(self):
        return f"{self.employee_id}: {self.start_date} – {self.end_date}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": [MSG_EXEMPTION_RANGE]})


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    SHORTFALL = "shortfall", _("Shortfall")
    EXEMPT = "exempt", _("Exempt")


class MonthlyCompliance(models.Model):
    """One employee's result for one period. Unique per (employee, period); recomputed in place
    until the period is locked."""

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        related_name="compliance",
        verbose_name=_("employee"),
    )
    period = models.CharField(_("period"), max_length=7, validators=[validate_period])
    rule = models.ForeignKey(SpendingRule, on_delete=models.PROTECT, verbose_name=_("rule used"))
    employee_class = models.ForeignKey(
        "employees.EmployeeClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("job class used"),
        related_name="+",
    )
    tpp_ceiling = models.PositiveBigIntegerField(_("TPP ceiling used (Rp)"))
    active_days = models.PositiveSmallIntegerField(_("days counted"))
    period_days = models.PositiveSmallIntegerField(_("days in the period"))
    required_spend = models.PositiveBigIntegerField(_("required (Rp)"))
    verified_spend = models.PositiveBigIntegerField(_("verified (Rp)"))
    pending_spend = models.PositiveBigIntegerField(_("pending (Rp)"))
    shortfall = models.PositiveBigIntegerField(_("shortfall (Rp)"))
    status = models.CharField(_("status"), max_length=10, choices=ComplianceStatus.choices)
    sanction_mode = models.CharField(
        _("sanction mode"), max_length=16, choices=SanctionMode.choices
    )
    deduction_amount = models.PositiveBigIntegerField(_("deduction (Rp)"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("monthly compliance")
        verbose_name_plural = _("monthly compliance")
        ordering = ["-period", "employee_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "period"], name="uniq_compliance_emp_period"
            )
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self):
        return f"{self.period} {self.employee_id}: {self.status}"


class DeductionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by e-TPP")
    CANCELLED = "cancelled", _("Cancelled")


class TppDeductionQuerySet(models.QuerySet):
    def current(self) -> "TppDeductionQuerySet":
        """The current version of each employee's deduction of a period, the one definition the
        e-TPP export, the register, the statement and corrections share (ADR 0131): a correction
        cancels the old version and links the new one to it, so the current version is the one
        nothing supersedes (a draft while the period is open)."""
        return self.filter(superseded_by__isnull=True)


class TppDeduction(models.Model):
    """The TPP correction for one employee and period (zero included). Draft until the period is
    locked, final afterwards; a correction cancels it and creates ``version + 1``."""

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        related_name="tpp_deductions",
        verbose_name=_("employee"),
    )
    period = models.CharField(_("period"), max_length=7, validators=[validate_period])
    compliance = models.ForeignKey(
        MonthlyCompliance,
        on_delete=models.PROTECT,
        related_name="deductions",
        verbose_name=_("compliance result"),
    )
    sanction_mode = models.CharField(
        _("sanction mode"), max_length=16, choices=SanctionMode.choices
    )
    deduction_amount = models.PositiveBigIntegerField(_("deduction (Rp)"))
    status = models.CharField(
        _("status"), max_length=14, choices=DeductionStatus.choices, default=DeductionStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    correction_reason = models.TextField(_("correction reason"), blank=True, default="")
    etpp_reference = models.CharField(_("e-TPP reference"), max_length=64, blank=True, default="")
    applied_amount = models.PositiveBigIntegerField(_("applied amount (Rp)"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), db_index=True)
    history = HistoricalRecords()

    objects = TppDeductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("TPP deduction")
        verbose_name_plural = _("TPP deductions")
        ordering = ["-period", "employee_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "period", "version"], name="uniq_deduction_version"
            )
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self):
        return f"{self.period} {self.employee_id} v{self.version}: {format_rupiah(self.deduction_amount)}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class AppealRemedy(models.TextChoices):
    PURCHASE = "purchase", _("Count a purchase (verify it)")
    EXEMPTION = "exemption", _("Grant an exemption")
    REDUCTION = "reduction", _("Reduce the deduction")


def appeal_evidence_upload_to(instance, filename: str) -> str:
    # ``filename`` is the server-chosen name from ebakul.core.uploads (sha256 of the stored
    # bytes + the stored format's extension); a client name is refused.
    return f"appeals/{instance.period}/{stored_basename(filename)}"


class Appeal(TimeStampedModel):
    """A sanggahan: an employee contests their result for a period during the appeal window."""

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.CASCADE,
        related_name="appeals",
        verbose_name=_("employee"),
    )
    period = models.CharField(_("period"), max_length=7, validators=[validate_period])
    reason = models.TextField(_("reason"))
    evidence = CleanFileField(
        _("evidence"),
        upload_to=appeal_evidence_upload_to,
        policy=EVIDENCE_POLICY.name,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decision_note = models.TextField(_("decision note"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    remedy = models.CharField(
        _("remedy"), max_length=10, choices=AppealRemedy.choices, blank=True, default=""
    )
    remedy_purchase = models.ForeignKey(
        "purchases.Purchase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("purchase counted"),
    )
    remedy_exemption = models.ForeignKey(
        "Exemption",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exemption granted"),
    )
    deduction_before = models.PositiveBigIntegerField(
        _("deduction before the decision (Rp)"), null=True, blank=True
    )
    deduction_after = models.PositiveBigIntegerField(
        _("deduction after the decision (Rp)"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal (sanggahan)")
        verbose_name_plural = _("appeals (sanggahan)")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self):
        return f"{self.period} {self.employee_id}: {self.get_status_display()}"


class DeductionAdjustment(TimeStampedModel):
    """A reduction of one employee's deduction for one period, with its reason (ADR 0106).

    Granted by an accepted appeal; the close (compute, lock and the correction after the lock)
    subtracts the sum of an employee's adjustments from the computed deduction, never below
    zero, and the e-TPP export shows it next to the deduction."""

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        related_name="deduction_adjustments",
        verbose_name=_("employee"),
    )
    period = models.CharField(_("period"), max_length=7, validators=[validate_period])
    amount = models.PositiveBigIntegerField(_("reduction (Rp)"), validators=[MinValueValidator(1)])
    reason = models.TextField(_("reason"))
    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("appeal"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deduction adjustment")
        verbose_name_plural = _("deduction adjustments")
        ordering = ["-period", "employee_id", "id"]
        indexes = [models.Index(fields=["period", "employee"])]

    def __str__(self):
        return f"{self.period} {self.employee_id}: -{format_rupiah(self.amount)}"


class ReminderKind(models.TextChoices):
    MID_MONTH = "mid_month", _("Mid-month")
    BEFORE_CLOSE = "before_close", _("Three days before the submission close")


class ReminderLog(models.Model):
    """One reminder sent: unique per (employee, period, kind), which makes reminders idempotent."""

    employee = models.ForeignKey(
        "employees.Employee", on_delete=models.CASCADE, related_name="+", verbose_name=_("employee")
    )
    period = models.CharField(_("period"), max_length=7)
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "period", "kind"], name="uniq_reminder_emp_period_kind"
            )
        ]

    def __str__(self):
        return f"{_period_words(self.period)}: {self.get_kind_display()} ({self.employee_id})"


class ComplianceEvent(models.Model):
    """Audit trail of compliance actions (compute, lock, corrections, appeals, exemptions,
    acknowledgements)."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    period = models.CharField(_("period"), max_length=7, blank=True, default="", db_index=True)
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employee"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("compliance event")
        verbose_name_plural = _("compliance events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.period}"


# Jobs by their code in ``JobRun.job`` (``ebakul/compliance/tasks.py``).
JOB_LABELS = {
    "compute_period": _("Period computation"),
    "lock_period": _("Period lock"),
    "simulate_period": _("Period simulation"),
    "reminders": _("Reminders"),
}


def _period_words(period: str) -> str:
    from ebakul.core.periods import period_label

    try:
        return period_label(period)
    except (ValueError, ValidationError):
        return period


class JobRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCESS = "success", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused (already running)")
    SKIPPED = "skipped", _("Nothing to do")


class JobRun(models.Model):
    """A run of a scheduled or manual compliance job, with its outcome."""

    job = models.CharField(_("job"), max_length=60, db_index=True)
    period = models.CharField(_("period"), max_length=7, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=JobRunStatus.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True, default="")
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        period = f" {_period_words(self.period)}" if self.period else ""
        return f"{self.job_label}{period}: {self.get_status_display()}"

    @property
    def job_label(self) -> str:
        """The job in words ("Penghitungan periode"), never its code."""
        name, _sep, kind = self.job.partition(":")
        label = JOB_LABELS.get(name)
        if label is None:
            return self.job
        if kind:
            return f"{label}: {dict(ReminderKind.choices).get(kind, kind)}"
        return str(label)
