"""The desk for compliance: rules are edited, results are read, periods move by actions that
call services (under the job lock, recorded as JobRun rows)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
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
from .outcome import describe_run
from .tasks import STEPS, read_progress, run_period_step

MSG_CONFIRM_PERIOD = _("Type %(period)s exactly to confirm.")
MSG_CHANGED_SINCE_COMPUTE = _("changed since compute: %(n)s employees")


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


class PeriodControlForm(forms.Form):
    """The explicit confirmation of a step: the administrator types the period (POST only)."""

    step = forms.ChoiceField(choices=[(k, k) for k in STEPS], widget=forms.HiddenInput)
    confirm_period = forms.CharField(
        label=_("Type the period (YYYY-MM) to confirm"), max_length=20, required=False
    )

    def __init__(self, *args, period: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_confirm_period(self):
        value = (self.cleaned_data.get("confirm_period") or "").strip()
        if value != self.period:
            raise forms.ValidationError(MSG_CONFIRM_PERIOD % {"period": self.period})
        return value


def _calendar(p: Period, now) -> list[dict]:
    """The four steps of the period with what each does, and where "now" is."""
    steps = [
        (
            "submission_close",
            _("Submission close"),
            p.submission_close,
            _(
                "Employees can no longer send purchases for this month. Verifiers keep "
                "checking the purchases already sent."
            ),
        ),
        (
            "verification_close",
            _("Verification close: compute"),
            p.verification_close,
            _(
                "Every employee gets a result and a draft deduction, visible on their home "
                "page; appeals open. Before this date only an estimate (simulation) can be "
                "made, which nobody but administrators sees."
            ),
        ),
        (
            "appeal_close",
            _("Appeal close: lock"),
            p.appeal_close,
            _(
                "Until then employees may appeal, and verifications and exemptions may still "
                "be decided. The lock recomputes every result from the latest facts, makes the "
                "deductions final and visible to e-TPP, and notifies each employee whose "
                "result changed since the compute."
            ),
        ),
    ]
    rows = [
        {"key": key, "label": label, "when": when, "what": what, "past": when <= now}
        for key, label, when, what in steps
    ]
    position = sum(1 for r in rows if r["past"])
    rows.insert(position, {"today": True})
    return rows


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
        "control_link",
    )
    readonly_fields = (
        "status",
        "rule",
        "computed_at",
        "locked_at",
        "changed_since_compute",
        "control_link",
    )
    actions = None

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

    @display(description=_("changed since compute"))
    def changed_since_compute(self, obj):
        n = selectors.period_lock_changes(period=obj.period) if obj and obj.pk else None
        if n is None:
            return "-"
        return MSG_CHANGED_SINCE_COMPUTE % {"n": n}

    @display(description=_("period control"))
    def control_link(self, obj):
        if not obj or not obj.pk:
            return "-"
        url = reverse("admin:compliance_period_control", args=[obj.pk])
        return format_html('<a href="{}" class="text-primary-600">{}</a>', url, _("Open control"))

    # --- The period control page (ADR 0100) ---------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "control/",
                view(self.control_current_view),
                name="compliance_period_control_current",
            ),
            path(
                "<int:object_id>/control/",
                view(self.control_view),
                name="compliance_period_control",
            ),
            path(
                "<int:object_id>/control/progress/",
                view(self.control_progress_view),
                name="compliance_period_control_progress",
            ),
        ] + super().get_urls()

    def _require_admin(self, request):
        if not roles.is_admin(request.user):
            raise PermissionDenied

    def control_current_view(self, request):
        """The sidebar entry: the oldest period not locked whose month has ended, else the
        current month (created from the defaults when missing, as the scheduler does)."""
        self._require_admin(request)
        p = selectors.period_to_control()
        return HttpResponseRedirect(reverse("admin:compliance_period_control", args=[p.pk]))

    def control_view(self, request, object_id):
        self._require_admin(request)
        p = get_object_or_404(Period, pk=object_id)
        form = None
        if request.method == "POST":
            form = PeriodControlForm(request.POST, period=p.period)
            if form.is_valid():
                step = form.cleaned_data["step"]
                run_period_step.delay(step, p.period, request.user.pk)
                run = _latest_run(p.period, STEPS[step][0])
                if run is not None:
                    ok = run.status in (JobRunStatus.SUCCESS, JobRunStatus.RUNNING)
                    self.message_user(
                        request, describe_run(run), messages.SUCCESS if ok else messages.ERROR
                    )
                return HttpResponseRedirect(reverse("admin:compliance_period_control", args=[p.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Period control %(period)s") % {"period": p.period},
            **selectors.period_control(period=p),
            "form": form,
            "calendar": _calendar(p, timezone.now()),
            "changed_since_compute": selectors.period_lock_changes(period=p.period),
            "last_runs": [{"run": r, "outcome": describe_run(r)} for r in _runs(p.period)[:5]],
            "progress_url": reverse("admin:compliance_period_control_progress", args=[p.pk]),
        }
        return TemplateResponse(request, "compliance/admin/period_control.html", context)

    def control_progress_view(self, request, object_id):
        """A small JSON the control page polls while a step runs."""
        self._require_admin(request)
        p = get_object_or_404(Period, pk=object_id)
        run = _runs(p.period).first()
        if run is None:
            return JsonResponse({"running": False})
        progress = read_progress(run.job, p.period) if run.status == JobRunStatus.RUNNING else None
        return JsonResponse(
            {
                "running": run.status == JobRunStatus.RUNNING,
                "status": str(run.get_status_display()),
                "stage": (progress or {}).get("stage", ""),
                "done": (progress or {}).get("done", 0),
                "total": (progress or {}).get("total", 0),
                "outcome": describe_run(run),
            }
        )


def _runs(period: str):
    return JobRun.objects.filter(
        period=period, job__in=[job for job, _name in STEPS.values()]
    ).order_by("-started_at", "-id")


def _latest_run(period: str, job: str):
    return JobRun.objects.filter(period=period, job=job).order_by("-started_at", "-id").first()


@admin.register(Exemption)
class ExemptionAdmin(NoDeleteMixin, DeskHistoryAdmin):
    list_display = ("employee", "start_date", "end_date", "reason", "status", "decided_by")
    list_filter = ("status", "reason")
    search_fields = ("employee__nip", "employee__name")
    autocomplete_fields = ("employee",)
    readonly_fields = ("status", "requested_by", "decided_by", "decided_at")
    actions = ["approve_action", "reject_action"]

    def service_create(self, request, obj, form):
        return services.exemption_create(actor=request.user, **form_values(form))

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == "pending"

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
