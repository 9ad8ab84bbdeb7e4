"""The desk of the integrity app (issue 15): signal weights and thresholds (administrators, with
history), the purchases' risk (verifiers and administrators), the investigation queue with the
evidence side by side and the integrity report."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from ebakul.accounts import roles
from ebakul.core.admin_base import DeskHistoryAdmin
from ebakul.core.periods import current_period, period_label

from . import detectors, report, selectors
from .models import PurchaseRisk, RiskPolicy, RiskReason, SignalWeight


def _is_admin(request) -> bool:
    return roles.is_admin(request.user)


def _is_checker(request) -> bool:
    return roles.is_admin(request.user) or roles.has_role(request.user, roles.VERIFIER)


class AdminOnly:
    def has_module_permission(self, request):
        return _is_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    def has_add_permission(self, request):
        return _is_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _is_admin(request)


@admin.register(SignalWeight)
class SignalWeightAdmin(AdminOnly, DeskHistoryAdmin):
    list_display = ("signal_code", "signal_label", "weight", "effective_from", "note")
    list_filter = ("signal_code",)
    ordering = ("signal_code", "-effective_from")

    @display(description=_("signal"))
    def signal_label(self, obj):
        signal = detectors.signals().get(obj.signal_code)
        return signal.label if signal else obj.signal_code

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "signal_code":
            from django import forms

            choices = [(c, f"{s.label} ({c})") for c, s in sorted(detectors.signals().items())]
            return forms.ChoiceField(choices=choices, label=_("signal"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(RiskPolicy)
class RiskPolicyAdmin(AdminOnly, DeskHistoryAdmin):
    list_display = (
        "effective_from",
        "review_from",
        "investigate_from",
        "audit_sample_percent",
        "audit_seed",
    )


class RiskReasonInline(TabularInline):
    model = RiskReason
    extra = 0
    can_delete = False
    fields = ("signal_code", "weight", "detail", "related_purchase", "related_merchant")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PurchaseRisk)
class PurchaseRiskAdmin(DeskHistoryAdmin):
    list_display = ("purchase", "score", "route", "period", "computed_at")
    list_filter = ("route",)
    search_fields = ("purchase__document_number",)
    readonly_fields = (
        "purchase",
        "score",
        "route",
        "period_words",
        "policy",
        "audit_seed",
        "audit_draw",
        "computed_at",
    )
    inlines = [RiskReasonInline]
    list_select_related = ("purchase",)

    def has_module_permission(self, request):
        return _is_checker(request)

    def has_view_permission(self, request, obj=None):
        return _is_checker(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "investigasi/",
                view(self.investigation_view),
                name="integrity_purchaserisk_investigation",
            ),
            path("laporan/", view(self.report_view), name="integrity_purchaserisk_report"),
        ] + super().get_urls()

    def investigation_view(self, request):
        """High-risk claims with their reasons; a duplicate shows both receipts side by side."""
        if not _is_checker(request):
            raise PermissionDenied
        risks = list(selectors.investigation_queue()[:100])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Investigation queue"),
            "risks": risks,
            "labels": {c: s.label for c, s in detectors.signals().items()},
        }
        return TemplateResponse(request, "integrity/admin/investigation.html", context)

    def report_view(self, request):
        if not _is_checker(request):
            raise PermissionDenied
        period = request.GET.get("period") or current_period()
        try:
            label = period_label(period)
        except ValueError:
            period, label = current_period(), period_label(current_period())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Integrity report %(period)s") % {"period": label},
            "period": period,
            **report.integrity_report(period),
        }
        return TemplateResponse(request, "integrity/admin/report.html", context)
