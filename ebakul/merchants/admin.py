from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.contrib.filters.admin import BooleanRadioFilter, RelatedDropdownFilter
from unfold.decorators import display

from ebakul.accounts import roles
from ebakul.core.admin_base import (
    DeskHistoryAdmin,
    NoDeleteMixin,
    ReadOnlyTabularInline,
    form_values,
)
from ebakul.core.validators import mask_nik
from ebakul.workflow.admin import (
    StateColours,
    WorkflowAdminMixin,
    WorkflowStateFilter,
    state_badge,
)
from ebakul.workflow.selectors import MERCHANT, has_flag, state_label

from .models import (
    ChainDenyEntry,
    Kecamatan,
    MerchantCategory,
    MerchantVerificationSpan,
    UmkmMerchant,
)
from .selectors import merchants_selectable, merchants_visible_to
from .services import merchant_create, merchant_may_edit, merchant_update

STATUS_COLOURS = StateColours(MERCHANT)


@admin.register(Kecamatan)
class KecamatanAdmin(DeskHistoryAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    ordering = ("name",)


@admin.register(MerchantCategory)
class MerchantCategoryAdmin(DeskHistoryAdmin):
    list_display = ("name", "code", "active")
    list_filter = (("active", BooleanRadioFilter),)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(ChainDenyEntry)
class ChainDenyEntryAdmin(DeskHistoryAdmin):
    list_display = ("name", "note", "updated_at")
    search_fields = ("name", "note")


class MerchantStatusFilter(WorkflowStateFilter):
    document_type = MERCHANT


class VerificationSpanInline(ReadOnlyTabularInline):
    model = MerchantVerificationSpan
    fields = ("verified_from", "verified_until")
    readonly_fields = ("verified_from", "verified_until")
    verbose_name = _("verification span")
    verbose_name_plural = _("verification spans")


# Personal numbers a non-administrator sees masked (docs/adr/0089, docs/adr/0210).
MASKED_FIELDS = {"owner_nik": "owner_nik_masked", "owner_kk": "owner_kk_masked"}


def nik_in_full(user) -> bool:
    return roles.is_admin(user)


class MaskedNikContextHelper(HistoricalRecordContextHelper):
    """History diffs show an owner NIK change masked, like the list does."""

    def prepare_delta_change_value(self, change, value):
        if change.field in ("owner_nik", "owner_kk"):
            return mask_nik(value or "")
        return super().prepare_delta_change_value(change, value)


@admin.register(UmkmMerchant)
class UmkmMerchantAdmin(WorkflowAdminMixin, NoDeleteMixin, DeskHistoryAdmin):
    """Merchants. The workflow helper adds its actions mixin in front of this class."""

    list_display = (
        "document_number",
        "business_name",
        "owner_name",
        "owner_nik_masked",
        "nib",
        "category",
        "kecamatan",
        "scale",
        "status_label",
        "is_modern_retail",
    )
    list_display_links = ("document_number", "business_name")
    list_filter = (
        MerchantStatusFilter,
        ("kecamatan", RelatedDropdownFilter),
        ("category", RelatedDropdownFilter),
        "scale",
        ("is_modern_retail", BooleanRadioFilter),
    )
    search_fields = ("document_number", "business_name", "owner_name", "nib")
    list_select_related = ("category", "kecamatan")
    autocomplete_fields = ("user",)
    inlines = (VerificationSpanInline,)
    fieldsets = (
        (
            None,
            {"fields": ("document_number", "status_words", "status_note")},
        ),
        (
            _("Business"),
            {
                "fields": (
                    "business_name",
                    "nib",
                    "category",
                    "scale",
                    "is_modern_retail",
                    "qris_nmid",
                    "qris_name",
                    "qris_city",
                )
            },
        ),
        (_("Owner"), {"fields": ("owner_name", "owner_nik", "owner_kk", "phone", "user")}),
        (
            _("Location"),
            {"fields": ("kecamatan", "village", "address", "latitude", "longitude")},
        ),
    )
    readonly_fields = ("document_number", "status_words", "status_note", "qris_name", "qris_city")

    @display(description=_("status"))
    def status_words(self, obj):
        """The state's label, never its code (issue 13)."""
        return state_label(MERCHANT, obj.status) if obj.status else "-"

    @display(description=_("owner NIK"))
    def owner_nik_masked(self, obj):
        return obj.owner_nik_masked

    @display(description=_("owner family card (KK) number"))
    def owner_kk_masked(self, obj):
        return obj.owner_kk_masked

    # The owner NIK is personal data: only an administrator sees it in full (docs/adr/0089);
    # everyone else gets the masked form on the list, the change page and the history.
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if nik_in_full(request.user):
            return fieldsets
        return [
            (
                name,
                {
                    **opts,
                    "fields": tuple(MASKED_FIELDS.get(f, f) for f in opts["fields"]),
                },
            )
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = self._readonly_by_status(request, obj)
        if not nik_in_full(request.user):
            readonly += ["owner_nik", "owner_nik_masked", "owner_kk", "owner_kk_masked"]
        return readonly

    def get_historical_record_context_helper(self, request, historical_record):
        if nik_in_full(request.user):
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskedNikContextHelper(self.model, historical_record)

    @display(description=_("status"), ordering="status", label=STATUS_COLOURS)
    def status_label(self, obj):
        return state_badge(MERCHANT, obj.status)

    def get_queryset(self, request):
        return self.scoped(request, merchants_visible_to(request.user))

    def _readonly_by_status(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        if not has_flag(MERCHANT, obj.status, "is_editable") or not merchant_may_edit(
            merchant=obj, actor=request.user
        ):
            # Verified, submitted, rejected or suspended registrations are not edited; the data
            # the verifier approved stays as approved. A draft is edited by its owner's account
            # or an administrator only (ADR 0086).
            return readonly + [
                f.name
                for f in self.model._meta.fields
                if f.editable and f.name not in readonly and f.name != "id"
            ]
        return readonly + ["user"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Choosing a merchant for a purchase: only verified, non-chain merchants.
        if request.GET.get("model_name") == "purchase" and request.GET.get("field_name") == (
            "merchant"
        ):
            queryset = queryset.filter(pk__in=merchants_selectable().values("pk"))
        return queryset, may_have_duplicates

    def service_create(self, request, obj, form):
        return merchant_create(actor=request.user, **form_values(form))

    def service_update(self, request, obj, form):
        return merchant_update(
            merchant=obj, actor=request.user, **form_values(form, changed_only=True)
        )
