from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.contrib.filters.admin import (
    BooleanRadioFilter,
    ChoicesDropdownFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import display

from ebakul.accounts import roles
from ebakul.core.admin_base import (
    DeskAdmin,
    DeskHistoryAdmin,
    NoDeleteMixin,
    form_values,
)
from ebakul.core.keyed_hash import mask_identifier
from ebakul.core.money import format_rupiah

from .admin_filters import ScopedWorkUnitFilter
from .models import Employee, EmployeeClass, UnitOperator, WorkUnit
from .resources import EmployeeImportAdminMixin
from .selectors import employees_visible_to, work_units_visible_to
from .services import employee_create, employee_update


@admin.register(WorkUnit)
class WorkUnitAdmin(DeskHistoryAdmin):
    list_display = ("code", "name", "kecamatan", "employee_count", "active")
    list_filter = (("kecamatan", RelatedDropdownFilter), ("active", BooleanRadioFilter))
    search_fields = ("code", "name")
    list_select_related = ("kecamatan",)

    def get_queryset(self, request):
        qs = work_units_visible_to(request.user).select_related("kecamatan")
        return self.scoped(request, qs.annotate(_employee_count=Count("employees")))

    @display(description=_("employees"), ordering="_employee_count")
    def employee_count(self, obj):
        return obj._employee_count


@admin.register(EmployeeClass)
class EmployeeClassAdmin(DeskHistoryAdmin):
    list_display = ("number", "name", "default_tpp_ceiling_display", "fixed_min_spend_display")
    search_fields = ("name",)
    ordering = ("number",)

    @display(description=_("default TPP ceiling (Rp)"), ordering="default_tpp_ceiling")
    def default_tpp_ceiling_display(self, obj):
        return format_rupiah(obj.default_tpp_ceiling)

    @display(description=_("fixed minimum spend (Rp)"), ordering="fixed_min_spend")
    def fixed_min_spend_display(self, obj):
        return format_rupiah(obj.fixed_min_spend)


MASKED_FIELDS = {"nik": "nik_masked", "kk_number": "kk_number_masked"}


class MaskedIdentityContextHelper(HistoricalRecordContextHelper):
    """History diffs show NIK and KK changes masked for non-administrators."""

    def prepare_delta_change_value(self, change, value):
        if change.field in MASKED_FIELDS or change.field in ("nik_hash", "kk_hash"):
            return mask_identifier(value or "")
        return super().prepare_delta_change_value(change, value)


class EmployeeUnitFilter(ScopedWorkUnitFilter):
    field_path = "work_unit_id"


@admin.register(Employee)
class EmployeeAdmin(EmployeeImportAdminMixin, NoDeleteMixin, DeskHistoryAdmin):
    list_display = (
        "nip",
        "name",
        "employee_type",
        "employee_class",
        "work_unit",
        "tpp_ceiling_display",
        "active",
    )
    list_display_links = ("nip", "name")
    list_filter = (
        EmployeeUnitFilter,
        ("employee_class", RelatedDropdownFilter),
        ("employee_type", ChoicesDropdownFilter),
        ("active", BooleanRadioFilter),
        ("home_kecamatan", RelatedDropdownFilter),
    )
    search_fields = ("nip", "name")
    list_select_related = ("employee_class", "work_unit")
    autocomplete_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("nip", "name", "employee_type")}),
        (
            _("Position"),
            {"fields": ("employee_class", "work_unit", "tpp_ceiling", "home_kecamatan")},
        ),
        (_("Activity"), {"fields": ("active", "active_from", "active_to", "user")}),
        (_("Identity"), {"fields": ("nik", "kk_number")}),
    )

    @display(description=_("NIK"))
    def nik_masked(self, obj):
        return obj.nik_masked

    @display(description=_("family card (KK) number"))
    def kk_number_masked(self, obj):
        return obj.kk_number_masked

    # NIK and KK are personal data: administrators see and edit them; every other desk role
    # sees them masked, on the page and in the history (docs/adr/0210).
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if roles.is_admin(request.user):
            return fieldsets
        return [
            (name, {**opts, "fields": tuple(MASKED_FIELDS.get(f, f) for f in opts["fields"])})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not roles.is_admin(request.user):
            readonly += ["nik", "kk_number", *MASKED_FIELDS.values()]
        return readonly

    def get_historical_record_context_helper(self, request, historical_record):
        if roles.is_admin(request.user):
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskedIdentityContextHelper(self.model, historical_record)

    @display(description=_("TPP ceiling (Rp)"))
    def tpp_ceiling_display(self, obj):
        return format_rupiah(obj.effective_tpp_ceiling)

    def get_queryset(self, request):
        return self.scoped(request, employees_visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "work_unit":
            kwargs["queryset"] = work_units_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, request, obj, form):
        return employee_create(actor=request.user, **form_values(form))

    def service_update(self, request, obj, form):
        return employee_update(
            employee=obj, actor=request.user, **form_values(form, changed_only=True)
        )


@admin.register(UnitOperator)
class UnitOperatorAdmin(DeskAdmin):
    list_display = ("user", "work_unit")
    list_filter = (("work_unit", RelatedDropdownFilter),)
    search_fields = ("user__username", "work_unit__code", "work_unit__name")
    list_select_related = ("user", "work_unit")
    autocomplete_fields = ("user", "work_unit")
