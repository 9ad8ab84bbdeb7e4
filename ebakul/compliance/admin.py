"""The desk for compliance: rules are edited, results are read, periods move by actions that
call services (under the job lock, recorded as JobRun rows)."""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
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
from ebakul.purchases.models import Purchase

from . import rules, selectors, services
from .forms import MSG_APPEAL_DECIDED_OK, AppealDecisionForm
from .models import (
    Appeal,
    AppealStatus,
    ComplianceEvent,
    DeductionAdjustment,
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


class SpendingRuleForm(forms.ModelForm):
    """The rule form of the desk: the rate as a percentage ("10", "7,5"), and an impact preview
    that must be seen (and confirmed) before a rule is saved (ADR 0105)."""

    rate_percent = forms.CharField(
        label=_("rate (percent of the TPP ceiling)"),
        max_length=8,
        help_text=_("For example 10 or 7,5."),
    )
    confirm_impact = forms.BooleanField(
        label=_("I have checked the impact shown above the form"), required=False
    )
    preview_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SpendingRule
        fields = (
            "effective_from",
            "name",
            "note",
            "floor_amount",
            "rounding_mode",
            "rounding_unit",
            "sanction_mode",
            "proportional_cap_bp",
            "submission_close_day",
            "verification_close_day",
            "appeal_close_day",
            "close_time",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()  # the preview token is written back for the next POST
        if self.instance.pk and not self.is_bound:
            self.initial["rate_percent"] = rules.bp_to_percent(self.instance.rate_bp)
        if "name" in self.fields:
            self.fields["name"].help_text = _(
                "Leave empty to have the name generated in Indonesian from the numbers."
            )
        self.preview = None

    def clean_rate_percent(self):
        value = self.cleaned_data["rate_percent"]
        self.rate_bp = rules.percent_to_bp(value)
        return value

    def _class_amounts(self) -> dict[int, int]:
        """The fixed amounts typed in the inline (read from the POST, for the preview)."""
        prefix = "class_amounts"
        out = {}
        try:
            total = int(self.data.get(f"{prefix}-TOTAL_FORMS") or 0)
        except ValueError:
            return out
        for i in range(total):
            row = f"{prefix}-{i}-"
            if self.data.get(row + "DELETE"):
                continue
            cls, amount = self.data.get(row + "employee_class"), self.data.get(row + "fixed_amount")
            if str(cls or "").isdigit() and str(amount or "").isdigit():
                out[int(cls)] = int(amount)
        return out

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("effective_from"):
            return data
        earliest = rules.earliest_new_version_date()
        if earliest and data["effective_from"] < earliest:
            self.add_error("effective_from", rules.backdated_message())
            return data
        values = {
            name: data[name]
            for name in (
                "effective_from",
                "floor_amount",
                "rounding_mode",
                "rounding_unit",
                "sanction_mode",
                "proportional_cap_bp",
            )
            if name in data
        }
        values["rate_bp"] = self.rate_bp
        class_amounts = self._class_amounts()
        self.preview = rules.impact_preview(class_amounts=class_amounts, **values)
        token = hashlib.sha256(
            repr(
                (sorted((k, str(v)) for k, v in values.items()), sorted(class_amounts.items()))
            ).encode()
        ).hexdigest()[:16]
        if not (data.get("confirm_impact") and data.get("preview_token") == token):
            self.data["preview_token"] = token
            self.data.pop("confirm_impact", None)
            self.add_error(
                "confirm_impact",
                _("Check the impact shown above the form, tick the box and save again."),
            )
        return data


class ClassAmountInline(TabularInline):
    model = SpendingRuleClassAmount
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not rules.rule_in_use(obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission

    def get_extra(self, request, obj=None, **kwargs):
        return len(_copied_class_amounts(request)) if obj is None else 0


def _copied_class_amounts(request) -> list[dict]:
    """The fixed amounts of the rule a new version is copied from (``?copy=<id>``)."""
    source = request.GET.get("copy")
    if request.method != "GET" or not str(source).isdigit():
        return []
    return [
        {"employee_class": c.employee_class_id, "fixed_amount": c.fixed_amount}
        for c in SpendingRuleClassAmount.objects.filter(rule_id=source).order_by("id")
    ]


@admin.register(SpendingRule)
class SpendingRuleAdmin(DeskHistoryAdmin):
    """Rules are versions: a rule used by a computed or locked period is shown read-only (no
    "Simpan"); a change is a new version ("Buat versi baru") from the first open period on."""

    form = SpendingRuleForm
    change_form_before_template = "compliance/admin/rule_impact.html"
    list_display = (
        "effective_from",
        "name",
        "rate_display",
        "floor_display",
        "rounding_mode",
        "rounding_unit",
        "sanction_mode",
        "in_use_display",
    )
    inlines = [ClassAmountInline]
    readonly_fields = ("new_version_link",)

    def get_fieldsets(self, request, obj=None):
        used = obj is not None and rules.rule_in_use(obj)
        first = ("effective_from", "name", "note") + (("new_version_link",) if used else ())
        rate = "rate_display" if used else "rate_percent"
        sets = [
            (None, {"fields": first}),
            (_("Minimum"), {"fields": (rate, "floor_amount", "rounding_mode", "rounding_unit")}),
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
        ]
        if not used:
            sets.append((_("Impact"), {"fields": ("confirm_impact", "preview_token")}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and rules.rule_in_use(obj):
            fields.append("rate_display")
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and rules.rule_in_use(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and rules.rule_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is None and isinstance(inline, ClassAmountInline):
            copied = _copied_class_amounts(request)
            if copied:
                kwargs["initial"] = copied
        return kwargs

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        source = request.GET.get("copy")
        rule = SpendingRule.objects.filter(pk=source).first() if str(source).isdigit() else None
        if rule is not None:
            for name in rules.RULE_FIELDS:
                if name not in ("effective_from", "name", "rate_bp"):
                    initial[name] = getattr(rule, name)
            initial["rate_percent"] = rules.bp_to_percent(rule.rate_bp)
        else:
            initial.setdefault("rate_percent", "10")
        earliest = rules.earliest_new_version_date()
        if earliest:
            initial.setdefault("effective_from", earliest)
        return initial

    def _values(self, form, *, changed_only: bool) -> dict:
        values = form_values(form, changed_only=changed_only)
        if not changed_only or "rate_percent" in form.changed_data:
            values["rate_percent"] = form.cleaned_data["rate_percent"]
        return values

    def service_create(self, request, obj, form):
        return rules.rule_create(actor=request.user, **self._values(form, changed_only=False))

    def service_update(self, request, obj, form):
        return rules.rule_update(
            rule=obj, actor=request.user, **self._values(form, changed_only=True)
        )

    @display(description=_("rate"), ordering="rate_bp")
    def rate_display(self, obj):
        return f"{rules.bp_to_percent(obj.rate_bp)}%"

    @display(description=_("floor"), ordering="floor_amount")
    def floor_display(self, obj):
        return _rp(obj.floor_amount)

    @display(description=_("used by computed periods"), boolean=True)
    def in_use_display(self, obj):
        return rules.rule_in_use(obj)

    @display(description=_("new version"))
    def new_version_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:compliance_spendingrule_add") + f"?copy={obj.pk}"
        return format_html(
            '<a class="font-semibold text-primary-600" id="rule-new-version" href="{}">{}</a> {}',
            url,
            _("Create a new version"),
            _("(this rule was used by a computed or locked period and stays as it is)"),
        )


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
    """The appeal page (ADR 0106): the employee's result, all their purchases of the period
    with receipts, the reason and the evidence side by side, and the decision with its remedy.
    No bulk decisions."""

    list_display = ("period", "employee", "status", "remedy", "created_at", "decided_by")
    list_filter = (PeriodFilter, "status")
    search_fields = ("employee__nip", "employee__name", "reason")
    actions = None

    def has_add_permission(self, request):
        return False  # appeals are filed by employees in the portal (appeal_create)

    def get_queryset(self, request):
        return self.scoped(request, selectors.appeals_visible_to(request.user))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        appeal = self.get_object(request, unquote(object_id))
        if appeal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, appeal):
            raise PermissionDenied
        purchases = list(
            Purchase.objects.filter(employee_id=appeal.employee_id, period=appeal.period)
            .select_related("merchant")
            .order_by("purchased_at", "pk")
        )
        pending = appeal.status == AppealStatus.PENDING
        form = None
        if pending:
            form = AppealDecisionForm(request.POST or None, purchases=purchases)
            if request.method == "POST" and form.is_valid():
                data = form.cleaned_data
                try:
                    services.appeal_decide(
                        appeal=appeal,
                        accept=data["decision"] == "accept",
                        note=data["note"],
                        actor=request.user,
                        remedy=data["remedy"] if data["decision"] == "accept" else "",
                        purchase=data["purchase"],
                        exemption_start=data["exemption_start"],
                        exemption_end=data["exemption_end"],
                        amount=data["amount"],
                        reason=data["reason"],
                    )
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    self.message_user(request, MSG_APPEAL_DECIDED_OK, messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:compliance_appeal_change", args=[appeal.pk])
                    )
        p = selectors.period_get_or_create(appeal.period)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Appeal of %(name)s for %(month)s")
            % {"name": appeal.employee.name, "month": rules.indonesian_month(appeal.period)},
            "appeal": appeal,
            "form": form,
            "own": appeal.employee.user_id == request.user.pk,
            "stored": MonthlyCompliance.objects.filter(
                employee_id=appeal.employee_id, period=appeal.period
            ).first(),
            "live": selectors.employee_progress(employee=appeal.employee, period=appeal.period),
            "period": p,
            "purchases": purchases,
            "adjustments": list(appeal.adjustments.all()),
            "has_evidence": bool(appeal.evidence),
        }
        return TemplateResponse(request, "compliance/admin/appeal_page.html", context)


@admin.register(DeductionAdjustment)
class DeductionAdjustmentAdmin(ReadOnlyAdminMixin, DeskHistoryAdmin):
    """Reductions granted by accepted appeals (ADR 0106): recorded only by ``appeal_decide``."""

    list_display = ("period", "employee", "amount_display", "reason", "appeal", "created_by")
    list_filter = (PeriodFilter,)
    search_fields = ("employee__nip", "employee__name", "reason")
    list_select_related = ("employee", "appeal", "created_by")

    def get_queryset(self, request):
        return self.scoped(
            request,
            selectors._scope(DeductionAdjustment.objects.select_related("employee"), request.user),
        )

    @display(description=_("reduction"), ordering="amount")
    def amount_display(self, obj):
        return _rp(obj.amount)


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("job_words", "period_words", "status", "started_at", "finished_at")
    list_display += ("message", "actor")
    list_filter = ("status",)

    @display(description=_("job"))
    def job_words(self, obj):
        return obj.job_label


@admin.register(ComplianceEvent)
class ComplianceEventAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("at", "kind", "period", "employee", "actor")
    list_filter = ("kind",)
    search_fields = ("period", "employee__nip")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("sent_at", "period", "kind", "employee")
    list_filter = ("kind", "period")
