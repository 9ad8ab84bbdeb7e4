from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RangeDateTimeFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import display

from ebakul.core.admin_base import (
    DeskHistoryAdmin,
    NoDeleteMixin,
    PeriodFilter,
    form_values,
)
from ebakul.core.money import format_rupiah
from ebakul.employees.admin_filters import ScopedWorkUnitFilter
from ebakul.employees.selectors import employees_visible_to
from ebakul.merchants.selectors import merchants_selectable
from ebakul.workflow.admin import (
    StateColours,
    WorkflowAdminMixin,
    WorkflowStateFilter,
    state_badge,
)
from ebakul.workflow.selectors import PURCHASE, has_flag

from .models import Purchase, PurchaseLimit, ReceiptReading
from .selectors import purchases_visible_to
from .services import purchase_create, purchase_may_edit, purchase_update

STATUS_COLOURS = StateColours(PURCHASE)


@admin.register(PurchaseLimit)
class PurchaseLimitAdmin(DeskHistoryAdmin):
    list_display = ("effective_from", "max_amount_display", "note")
    ordering = ("-effective_from",)

    @display(description=_("maximum amount per purchase (Rp)"), ordering="max_amount")
    def max_amount_display(self, obj):
        return format_rupiah(obj.max_amount)


class PurchaseStatusFilter(WorkflowStateFilter):
    document_type = PURCHASE


class PurchaseUnitFilter(ScopedWorkUnitFilter):
    field_path = "employee__work_unit_id"


@admin.register(Purchase)
class PurchaseAdmin(WorkflowAdminMixin, NoDeleteMixin, DeskHistoryAdmin):
    """Purchases. The workflow helper adds its actions mixin in front of this class."""

    list_display = (
        "document_number",
        "purchased_at",
        "employee",
        "employee_unit",
        "merchant",
        "amount_display",
        "payment_method",
        "status_label",
        "period",
    )
    list_filter = (
        PeriodFilter,
        PurchaseStatusFilter,
        PurchaseUnitFilter,
        ("employee__employee_class", RelatedDropdownFilter),
        ("category", RelatedDropdownFilter),
        ("merchant__kecamatan", RelatedDropdownFilter),
        ("payment_method", ChoicesDropdownFilter),
        ("purchased_at", RangeDateTimeFilter),
    )
    search_fields = (
        "document_number",
        "employee__nip",
        "employee__name",
        "merchant__business_name",
        "merchant__nib",
    )
    list_select_related = ("employee", "employee__work_unit", "merchant", "category")
    autocomplete_fields = ("employee", "merchant")
    fieldsets = (
        (None, {"fields": ("document_number", "status_text", "period")}),
        (
            _("Notes"),
            {"fields": ("merchant_note", "decision_reason", "contest_evidence_preview")},
        ),
        (
            _("Purchase"),
            {
                "fields": (
                    "employee",
                    "merchant",
                    "purchased_at",
                    "amount",
                    "category",
                    "description",
                )
            },
        ),
        (
            _("Payment and receipt"),
            {
                "fields": (
                    "payment_method",
                    "qris_reference",
                    "receipt",
                    "receipt_preview",
                    "receipt_sha256",
                    "receipt_reading_text",
                )
            },
        ),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )
    readonly_fields = (
        "document_number",
        "status_text",
        "merchant_note",
        "decision_reason",
        "contest_evidence_preview",
        "period",
        "receipt_preview",
        "receipt_sha256",
        "receipt_reading_text",
        "created_by",
        "created_at",
        "updated_at",
    )

    @display(description=_("work unit"), ordering="employee__work_unit__code")
    def employee_unit(self, obj):
        return obj.employee.work_unit.code

    @display(description=_("amount (Rp)"), ordering="amount")
    def amount_display(self, obj):
        return format_rupiah(obj.amount)

    @display(description=_("status"), ordering="status", label=STATUS_COLOURS)
    def status_label(self, obj):
        return state_badge(PURCHASE, obj.status)

    @display(description=_("status"))
    def status_text(self, obj):
        """The state's label from the workflow (never its code)."""
        if not obj or not obj.pk:
            return "-"
        from ebakul.workflow.services import state_of

        state = state_of(obj)
        return state.label if state else obj.status

    @display(description=_("receipt photo"))
    def receipt_preview(self, obj):
        if not obj or not obj.pk or not obj.receipt:
            return "-"
        return format_html(
            '<a href="{0}" target="_blank" rel="noopener"><img src="{0}" alt="" '
            'style="max-height:240px"></a>',
            # Receipts are personal data: served by the row-scoped receipt view, never as
            # public media files.
            reverse("portal:receipt", args=[obj.pk]),
        )

    @display(description=_("text read from the receipt"))
    def receipt_reading_text(self, obj):
        """What OCR read (issue 15), next to the photo, with the values it understood."""
        if not obj or not obj.pk:
            return "-"
        reading = ReceiptReading.objects.filter(purchase_id=obj.pk).first()
        if reading is None or reading.receipt_sha256 != obj.receipt_sha256:
            return _("Not read yet.")
        facts = [
            (_("total read (Rp)"), format_rupiah(reading.amount) if reading.amount else "-"),
            (_("date read"), f"{reading.date:%d/%m/%Y}" if reading.date else "-"),
            (_("receipt number read"), reading.receipt_number or "-"),
            (_("seller name read"), reading.seller_name or "-"),
            (_("seller phone read"), reading.seller_phone or "-"),
        ]
        return format_html(
            '<dl id="receipt-reading">{}</dl><pre style="white-space:pre-wrap;max-height:320px;'
            'overflow:auto">{}</pre>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", facts),
            reading.text or "-",
        )

    @display(description=_("new evidence for the review"))
    def contest_evidence_preview(self, obj):
        if not obj or not obj.pk or not obj.contest_evidence:
            return "-"
        return format_html(
            '<a href="{0}" target="_blank" rel="noopener"><img src="{0}" alt="" '
            'style="max-height:240px"></a>',
            reverse("portal:contest_evidence", args=[obj.pk]),
        )

    def get_queryset(self, request):
        qs = purchases_visible_to(request.user).select_related("employee__work_unit")
        return self.scoped(request, qs)

    def get_fieldsets(self, request, obj=None):
        # A stored receipt is shown through the row-scoped view (receipt_preview), never as a
        # file link; a new purchase gets the upload field.
        hide = "receipt" if obj is not None and obj.pk else "receipt_preview"
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != hide)})
            for name, opts in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("employee")  # who the purchase is for never changes (ADR 0086)
        if obj is not None and (
            not has_flag(PURCHASE, obj.status, "is_editable")
            or not purchase_may_edit(purchase=obj, actor=request.user)
        ):
            # Submitted purchases are what the merchant confirms and the verifier checks; a
            # draft is edited only by its employee or whoever recorded it.
            readonly += [
                f.name
                for f in self.model._meta.fields
                if f.editable
                and f.name not in readonly
                and f.name not in ("id", "contest_evidence")
            ]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employee":
            kwargs["queryset"] = employees_visible_to(request.user)
        elif db_field.name == "merchant":
            kwargs["queryset"] = merchants_selectable()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, request, obj, form):
        return purchase_create(actor=request.user, **form_values(form))

    def service_update(self, request, obj, form):
        return purchase_update(
            purchase=obj, actor=request.user, **form_values(form, changed_only=True)
        )
