"""Workflows as data: definitions, states, transitions, conditions; the append-only event log and
the verification assignments. The engine lives in ``services.py``."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ebakul.core.models import TimeStampedModel

from . import conditions

MSG_EVENTS_APPEND_ONLY = _("Workflow history is append-only.")

validate_code = RegexValidator(
    r"^[a-z][a-z0-9_]*$", _("Use lower-case letters, digits and underscores, e.g. needs_fix.")
)


class DocumentType(models.TextChoices):
    MERCHANT = "merchants.umkmmerchant", _("UMKM merchant")
    PURCHASE = "purchases.purchase", _("Purchase")


class AssignmentScope(models.TextChoices):
    NONE = "none", _("Whole group")
    WORK_UNIT = "work_unit", _("By work unit of the employee")
    KECAMATAN = "kecamatan", _("By kecamatan of the merchant")


class OwnerRule(models.TextChoices):
    NONE = "none", _("Nobody in particular")
    EMPLOYEE_USER = "employee_user", _("The employee of the document")
    MERCHANT_USER = "merchant_user", _("The merchant's user")


class ReasonKind(models.TextChoices):
    """Which kind of refusal a common reason applies to (also set on a transition)."""

    PURCHASE_REJECT = "purchase_reject", _("Reject a purchase")
    PURCHASE_CORRECTION = "purchase_correction", _("Ask for a correction of a purchase")
    MERCHANT_REJECT = "merchant_reject", _("Reject a merchant")
    MERCHANT_CORRECTION = "merchant_correction", _("Ask a merchant for a correction")
    MERCHANT_SUSPEND = "merchant_suspend", _("Suspend a merchant")
    APPEAL_REJECT = "appeal_reject", _("Reject an appeal")
    # The marketplace's moderation (docs/adr/0420): not workflow transitions, same reasons list.
    LISTING_HIDE = "listing_hide", _("Hide a marketplace listing")
    REVIEW_HIDE = "review_hide", _("Hide the text of a review")


class RefusalReason(TimeStampedModel):
    """A common reason administrators keep in a list, offered next to free text whenever a
    person refuses something (policy as data, see docs/adr/0110)."""

    kind = models.CharField(_("applies to"), max_length=30, choices=ReasonKind.choices)
    label = models.CharField(_("reason"), max_length=160)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active reasons are offered.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refusal reason")
        verbose_name_plural = _("refusal reasons")
        ordering = ["kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "label"], name="uniq_refusal_reason_label")
        ]

    def __str__(self):
        return self.label


class WorkflowDefinition(TimeStampedModel):
    document_type = models.CharField(
        _("document type"), max_length=60, choices=DocumentType.choices, unique=True
    )
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("When off, no action can be taken on documents of this type."),
    )
    assignment_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assign verification to group"),
        help_text=_(
            "Documents in a state that waits for verification are assigned round-robin to a "
            "member of this group."
        ),
    )
    assignment_scope = models.CharField(
        _("assignment scope"),
        max_length=20,
        choices=AssignmentScope.choices,
        default=AssignmentScope.NONE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["document_type"]

    def __str__(self):
        return self.name


class WorkflowState(models.Model):
    workflow = models.ForeignKey(
        WorkflowDefinition, on_delete=models.CASCADE, related_name="states"
    )
    code = models.CharField(_("code"), max_length=32, validators=[validate_code])
    label = models.CharField(_("label"), max_length=80)
    is_initial = models.BooleanField(_("initial"), default=False)
    is_final = models.BooleanField(_("final"), default=False)
    is_editable = models.BooleanField(
        _("editable"), default=False, help_text=_("Documents in this state may still be edited.")
    )
    awaits_verification = models.BooleanField(
        _("waits for verification"),
        default=False,
        help_text=_("Documents in this state are assigned to a verifier."),
    )
    counts_as_pending = models.BooleanField(
        _("counts as pending"),
        default=False,
        help_text=_(
            "Purchases in this state are shown as waiting: the monthly close and the reports "
            "count them as pending spend."
        ),
    )
    counts_as_verified = models.BooleanField(
        _("counts as verified"),
        default=False,
        help_text=_(
            "Purchases in this state count towards the minimum spend in the monthly close and "
            "the reports."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workflow state")
        verbose_name_plural = _("workflow states")
        ordering = ["workflow", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="uniq_workflow_state_code")
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"


class WorkflowTransition(models.Model):
    # Set by services.load_workflow on a compiled definition's transitions (not columns).
    allowed_group_names: frozenset[str]
    condition_list: list[tuple[str, dict]]

    workflow = models.ForeignKey(
        WorkflowDefinition, on_delete=models.CASCADE, related_name="transitions"
    )
    code = models.CharField(_("action code"), max_length=32, validators=[validate_code])
    label = models.CharField(_("action label"), max_length=80)
    from_state = models.ForeignKey(
        WorkflowState, on_delete=models.CASCADE, related_name="+", verbose_name=_("from state")
    )
    to_state = models.ForeignKey(
        WorkflowState, on_delete=models.CASCADE, related_name="+", verbose_name=_("to state")
    )
    allowed_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="+",
        verbose_name=_("allowed groups"),
        help_text=_("Members of these groups may take this action on any document they see."),
    )
    owner_rule = models.CharField(
        _("the document's own user may take it"),
        max_length=20,
        choices=OwnerRule.choices,
        default=OwnerRule.NONE,
    )
    owner_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner must be in group"),
    )
    allow_creator = models.BooleanField(
        _("creator may take it"),
        default=False,
        help_text=_(
            "Off: whoever created the document cannot take this action (no self-approval)."
        ),
    )
    is_automatic = models.BooleanField(
        _("automatic"),
        default=False,
        help_text=_("Taken by the system, never by a person, when its conditions hold."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    is_submit = models.BooleanField(
        _("submits the document"),
        default=False,
        help_text=_(
            "The action the owner takes to send an edited document on (the portal's Send button)."
        ),
    )
    sets_status_note = models.BooleanField(_("comment becomes the status note"), default=False)
    requires_reason = models.BooleanField(
        _("requires a reason"),
        default=False,
        help_text=_(
            "The person must choose a reason from the list or write one; the desk asks for a "
            "confirmation first."
        ),
    )
    reason_kind = models.CharField(
        _("reasons offered"),
        max_length=30,
        choices=ReasonKind.choices,
        blank=True,
        default="",
        help_text=_("Which list of common reasons is offered for this action."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(m2m_fields=[allowed_groups])

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["workflow", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_state", "code"], name="uniq_workflow_transition_from_code"
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"

    def clean(self):
        errors = {}
        if (
            self.from_state_id
            and self.workflow_id
            and self.from_state.workflow_id != self.workflow_id
        ):
            errors["from_state"] = _("The state belongs to another workflow.")
        if self.to_state_id and self.workflow_id and self.to_state.workflow_id != self.workflow_id:
            errors["to_state"] = _("The state belongs to another workflow.")
        if errors:
            raise ValidationError(errors)


class TransitionCondition(models.Model):
    """A condition from the fixed registry in ``conditions.py`` with its parameters."""

    transition = models.ForeignKey(
        WorkflowTransition, on_delete=models.CASCADE, related_name="conditions"
    )
    predicate = models.CharField(_("condition"), max_length=40, choices=conditions.choices())
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transition condition")
        verbose_name_plural = _("transition conditions")
        ordering = ["transition", "id"]

    def __str__(self):
        return conditions.describe(self.predicate, self.params)

    def clean(self):
        conditions.validate_params(self.predicate, self.params)


class WorkflowEvent(models.Model):
    """One row per transition (and per audited assignment change). Never updated or deleted."""

    document_type = models.CharField(
        _("document type"), max_length=60, choices=DocumentType.choices
    )
    object_id = models.PositiveBigIntegerField(_("document id"))
    from_state = models.CharField(_("from state"), max_length=32, blank=True, default="")
    to_state = models.CharField(_("to state"), max_length=32)
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True, default="")
    reason = models.ForeignKey(
        RefusalReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason chosen"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["document_type", "object_id", "created_at"]),
            models.Index(fields=["document_type", "action", "created_at"]),
        ]

    def __str__(self):
        # The labels when the row came through ``selectors.events_labelled`` (the desk).
        before = getattr(self, "from_label", None) or self.from_state or "-"
        after = getattr(self, "to_label", None) or self.to_state
        return f"{self.get_document_type_display()} #{self.object_id}: {before} → {after}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(MSG_EVENTS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(MSG_EVENTS_APPEND_ONLY)


class Assignment(models.Model):
    """A document waiting for verification, assigned to a named verifier."""

    document_type = models.CharField(
        _("document type"), max_length=60, choices=DocumentType.choices
    )
    object_id = models.PositiveBigIntegerField(_("document id"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="workflow_assignments",
        verbose_name=_("assignee"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="+", verbose_name=_("group")
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at", "-id"]
        indexes = [
            models.Index(fields=["document_type", "object_id", "active"]),
            models.Index(fields=["assignee", "active", "document_type"]),
            models.Index(fields=["group", "assigned_at"]),
        ]

    def __str__(self):
        return f"{self.document_type}#{self.object_id} → {self.assignee}"


class MyTask(Assignment):
    """The "Tugas saya" inbox in the desk: a verifier's own active assignments."""

    class Meta:
        proxy = True
        verbose_name = _("my task")
        verbose_name_plural = _("my tasks")


class VerifierScope(TimeStampedModel):
    """Which work units / kecamatan a verifier handles, for scoped round-robin assignment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verifier_scopes",
        verbose_name=_("verifier"),
    )
    work_unit = models.ForeignKey(
        "employees.WorkUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("work unit"),
    )
    kecamatan = models.ForeignKey(
        "merchants.Kecamatan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("kecamatan"),
    )

    class Meta:
        verbose_name = _("verifier scope")
        verbose_name_plural = _("verifier scopes")

    def __str__(self):
        return f"{self.user}: {self.work_unit or self.kecamatan}"

    def clean(self):
        if not self.work_unit_id and not self.kecamatan_id:
            raise ValidationError(_("Choose a work unit or a kecamatan."))
