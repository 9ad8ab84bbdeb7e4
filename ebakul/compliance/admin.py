"""The desk for compliance: rules are edited, results are read, periods move by actions that
call services (under the job lock, recorded as JobRun rows)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action, display

from ebakul.accounts import roles
from ebakul.core.admin_base import (
    DeskAdmin,
    DeskHistoryAdmin,
    NoDeleteMixin,
    PeriodFilter,
    ReadOnlyAdminMixin,
    form_values,
)
from ebakul.core.errors import DomainError
from ebakul.core.money import format_rupiah

from . import selectors, services
from .jobs import run_job
from .models import (
    Appeal,
    ComplianceEvent,
    Exemption,
    JobRun,
    JobRunStatus,
    MonthlyCompliance,
    Period,
    ReminderLog,
    SpendingRule,
    SpendingRuleClassAmount,
    TppDeduction,
)
from .tasks import JOB_COMPUTE, JOB_LOCK


def _rp(value):
    return format_rupiah(value)


class ClassAmountInline(TabularInline):
    model = SpendingRuleClassAmount
    extra = 0


@admin.register(SpendingRule)
class SpendingRuleAdmin(DeskHistoryAdmin):
    list_display = (
        "effective_from",
        "name",
        "rate_display",
        "floor_display",
        "rounding_mode",
        "rounding_unit",
        "sanction_mode",
    )
    inlines = [ClassAmountInline]
    fieldsets = (
        (None, {"fields": ("effective_from", "name", "note")}),
        (_("Minimum"), {"fields": ("rate_bp", "floor_amount", "rounding_mode", "rounding_unit")}),
        (_("Sanction"), {"fields": ("sanction_mode", "proportional_cap_bp")}),
        (
            _("Calendar"),
            {
                "fields": (
                    "submission_close_day",
                    "verification_close_day",
                    "appeal_close_day",
                    "close_time",
                )
            },
        ),
    )

    @display(description=_("rate"), ordering="rate_bp")
    def rate_display(self, obj):
        return f"{obj.rate_bp / 100:g}%"

    @display(description=_("floor"), ordering="floor_amount")
    def floor_display(self, obj):
        return _rp(obj.floor_amount)


def _run_period_job(modeladmin, request, queryset, job, service):
    for p in queryset:
        try:
            run = run_job(
                job=job,
                period=p.period,
                actor=request.user,
                fn=lambda p=p: service(period=p.period, actor=request.user),
            )
        except DomainError as exc:
            modeladmin.message_user(request, f"{p.period}: {exc.message}", messages.ERROR)
            continue
        level = messages.SUCCESS if run.status == JobRunStatus.SUCCESS else messages.WARNING
        modeladmin.message_user(
            request, f"{p.period}: {run.get_status_display()} {run.stats}", level
        )


@admin.register(Period)
class PeriodAdmin(NoDeleteMixin, DeskHistoryAdmin):
    list_display = (
        "period",
        "status",
        "submission_close",
        "verification_close",
        "appeal_close",
        "computed_at",
        "locked_at",
    )
    readonly_fields = ("status", "rule", "computed_at", "locked_at")
    actions = ["compute_action", "lock_action"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("period")
            if obj.status == "locked":
                fields += ["submission_close", "verification_close", "appeal_close"]
        return fields

    def get_changeform_initial_data(self, request):
        period = request.GET.get("period")
        if period:
            try:
                return {"period": period, **selectors.default_calendar(period)}
            except Exception:  # noqa: BLE001 - a bad query parameter only loses the defaults
                return {}
        return {}

    def service_update(self, request, obj, form):
        return services.period_update(
            period=obj, actor=request.user, **form_values(form, changed_only=True)
        )

    @action(description=_("Compute the selected periods"))
    def compute_action(self, request, queryset):
        _run_period_job(self, request, queryset, JOB_COMPUTE, services.compute_period)

    @action(description=_("Lock the selected periods (deductions become final)"))
    def lock_action(self, request, queryset):
        _run_period_job(self, request, queryset, JOB_LOCK, services.lock_period)


@admin.register(Exemption)
class ExemptionAdmin(NoDeleteMixin, DeskHistoryAdmin):
    """Exemptions, scoped by the employee's unit (docs/adr/0087): administrators decide; a
    verifier reads all and may propose; an OPD operator proposes and corrects pending ones for
    their units. The services enforce the same rules."""

    list_display = ("employee", "start_date", "end_date", "reason", "status", "decided_by")
    list_filter = ("status", "reason")
    search_fields = ("employee__nip", "employee__name")
    list_select_related = ("employee", "decided_by")
    autocomplete_fields = ("employee",)
    readonly_fields = ("status", "requested_by", "decided_by", "decided_at")
    actions = ["approve_action", "reject_action"]

    def get_queryset(self, request):
        return self.scoped(request, selectors.exemptions_visible_to(request.user))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("employee")  # never changes after the proposal
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employee":
            from ebakul.employees.selectors import employees_visible_to

            kwargs["queryset"] = employees_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.exemption_may_change(exemption=obj, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not roles.is_admin(request.user):
            actions.pop("approve_action", None)
            actions.pop("reject_action", None)
        return actions

    def service_create(self, request, obj, form):
        return services.exemption_create(actor=request.user, **form_values(form))

    def service_update(self, request, obj, form):
        return services.exemption_update(
            exemption=obj, actor=request.user, **form_values(form, changed_only=True)
        )

    def _decide(self, request, queryset, fn):
        for ex in queryset:
            try:
                fn(exemption=ex, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{ex}: {exc.message}", messages.ERROR)

    @action(description=_("Approve the selected exemptions"))
    def approve_action(self, request, queryset):
        self._decide(request, queryset, services.exemption_approve)

    @action(description=_("Reject the selected exemptions"))
    def reject_action(self, request, queryset):
        self._decide(request, queryset, services.exemption_reject)


@admin.register(MonthlyCompliance)
class MonthlyComplianceAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = (
        "period",
        "employee",
        "status",
        "required_display",
        "verified_display",
        "pending_display",
        "shortfall_display",
        "deduction_display",
        "rule",
    )
    list_filter = (PeriodFilter, "status", "sanction_mode")
    search_fields = ("employee__nip", "employee__name")
    list_select_related = ("employee", "rule")

    def get_queryset(self, request):
        return self.scoped(request, selectors.compliance_visible_to(request.user))

    @display(description=_("required"), ordering="required_spend")
    def required_display(self, obj):
        return _rp(obj.required_spend)

    @display(description=_("verified"), ordering="verified_spend")
    def verified_display(self, obj):
        return _rp(obj.verified_spend)

    @display(description=_("pending"), ordering="pending_spend")
    def pending_display(self, obj):
        return _rp(obj.pending_spend)

    @display(description=_("shortfall"), ordering="shortfall")
    def shortfall_display(self, obj):
        return _rp(obj.shortfall)

    @display(description=_("deduction"), ordering="deduction_amount")
    def deduction_display(self, obj):
        return _rp(obj.deduction_amount)


@admin.register(TppDeduction)
class TppDeductionAdmin(ReadOnlyAdminMixin, DeskHistoryAdmin):
    list_display = (
        "period",
        "employee",
        "version",
        "status",
        "sanction_mode",
        "amount_display",
        "etpp_reference",
        "applied_at",
    )
    list_filter = (PeriodFilter, "status", "sanction_mode")
    search_fields = ("employee__nip", "employee__name", "etpp_reference")
    list_select_related = ("employee",)

    def get_queryset(self, request):
        return self.scoped(request, selectors.deductions_visible_to(request.user))

    @display(description=_("deduction"), ordering="deduction_amount")
    def amount_display(self, obj):
        return _rp(obj.deduction_amount)


@admin.register(Appeal)
class AppealAdmin(NoDeleteMixin, DeskHistoryAdmin):
    list_display = ("period", "employee", "status", "created_at", "decided_by", "decided_at")
    list_filter = (PeriodFilter, "status")
    search_fields = ("employee__nip", "employee__name", "reason")
    readonly_fields = (
        "employee",
        "period",
        "reason",
        "evidence",
        "status",
        "created_by",
        "decided_by",
        "decided_at",
    )
    fields = readonly_fields + ("decision_note",)
    actions = ["accept_action", "reject_action"]

    def has_add_permission(self, request):
        return False  # appeals are filed by employees in the portal (appeal_create)

    def get_queryset(self, request):
        return self.scoped(request, selectors.appeals_visible_to(request.user))

    def service_update(self, request, obj, form):
        # Only the note is editable; the decision is an action.
        Appeal.objects.filter(pk=obj.pk).update(decision_note=obj.decision_note)
        return obj

    def _decide(self, request, queryset, accept):
        for appeal in queryset:
            try:
                services.appeal_decide(
                    appeal=appeal,
                    accept=accept,
                    note=appeal.decision_note or str(_("Decided in the desk")),
                    actor=request.user,
                )
            except DomainError as exc:
                self.message_user(request, f"{appeal}: {exc.message}", messages.ERROR)

    @action(description=_("Accept the selected appeals (recompute the employee)"))
    def accept_action(self, request, queryset):
        self._decide(request, queryset, True)

    @action(description=_("Reject the selected appeals"))
    def reject_action(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("job", "period", "status", "started_at", "finished_at", "message", "actor")
    list_filter = ("job", "status")


@admin.register(ComplianceEvent)
class ComplianceEventAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("at", "kind", "period", "employee", "actor")
    list_filter = ("kind",)
    search_fields = ("period", "employee__nip")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("sent_at", "period", "kind", "employee")
    list_filter = ("kind", "period")
