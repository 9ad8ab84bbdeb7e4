"""Desk import (and export) of employees from XLSX/CSV, through django-import-export.

Every row goes through ``employee_upsert``: the same rules as the e-TPP API (docs/adr/0041). A row
is applied in its own savepoint; a refused row changes nothing and is reported with its reason;
the other rows are stored.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.results import RowResult
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from ebakul.core.spreadsheet import FormulaSafeResourceMixin

from .models import Employee
from .services import UPSERT_FIELDS, employee_upsert

PERSONAL_FIELDS = ("nik", "kk_number")

# Column headers accepted besides the contract's own field names (case and spaces ignored).
HEADER_ALIASES = {
    "nip": "nip",
    "nama": "name",
    "name": "name",
    "jenis": "employee_type",
    "jenis pegawai": "employee_type",
    "employee type": "employee_type",
    "kelas": "employee_class",
    "kelas jabatan": "employee_class",
    "job class": "employee_class",
    "kode unit": "unit_code",
    "unit": "unit_code",
    "kode opd": "unit_code",
    "unit code": "unit_code",
    "pagu tpp": "tpp_ceiling",
    "tpp ceiling": "tpp_ceiling",
    "aktif": "active",
    "nik": "nik",
    "no kk": "kk_number",
    "nomor kk": "kk_number",
    "kk": "kk_number",
    "kk number": "kk_number",
}


def normalise_header(header) -> str:
    key = " ".join(str(header or "").strip().lower().replace("_", " ").split())
    if key.replace(" ", "_") in UPSERT_FIELDS:
        return key.replace(" ", "_")
    return HEADER_ALIASES.get(key, str(header or "").strip())


class EmployeeResource(FormulaSafeResourceMixin, resources.ModelResource):
    nip = Field(attribute="nip", column_name="nip")
    name = Field(attribute="name", column_name="name")
    employee_type = Field(attribute="employee_type", column_name="employee_type")
    employee_class = Field(attribute="employee_class__number", column_name="employee_class")
    unit_code = Field(attribute="work_unit__code", column_name="unit_code")
    tpp_ceiling = Field(attribute="tpp_ceiling", column_name="tpp_ceiling")
    active = Field(attribute="active", column_name="active")
    nik = Field(attribute="nik", column_name="nik")
    kk_number = Field(attribute="kk_number", column_name="kk_number")

    class Meta:
        model = Employee
        fields = UPSERT_FIELDS
        import_id_fields = ("nip",)
        skip_diff = True
        use_bulk = False

    def get_export_fields(self, selected_fields=None):
        """The export never carries NIK or KK numbers: whoever may view employees may export
        them, and verifiers must not see those numbers (docs/adr/0210)."""
        fields = super().get_export_fields(selected_fields)
        return [f for f in fields if f.column_name not in PERSONAL_FIELDS]

    def before_import(self, dataset, **kwargs):
        dataset.headers = [normalise_header(h) for h in dataset.headers]
        super().before_import(dataset, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        """One row through the upsert service; a refusal becomes an invalid row with reasons."""
        result = self.get_row_result_class()()
        data = {name: row[name] for name in UPSERT_FIELDS if name in row}
        try:
            with transaction.atomic():
                employee, created = employee_upsert(data=data, actor=kwargs.get("user"))
        except ValidationError as exc:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = exc
            return result
        result.import_type = RowResult.IMPORT_TYPE_NEW if created else RowResult.IMPORT_TYPE_UPDATE
        result.add_instance_info(employee)
        result.instance = employee
        return result


class EmployeeImportAdminMixin(ImportExportMixin):
    """Import/export for the Employee desk page. Differs from django-import-export's default in
    one way: when the preview finds refused rows, the good rows can still be imported (the
    refused ones are listed with their reasons and are skipped)."""

    resource_classes = [EmployeeResource]
    import_form_class = ImportForm
    export_form_class = ExportForm

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        result = (context or {}).get("result")
        if (
            result is not None
            and "confirm_form" not in context
            and not result.has_errors()
            and result.has_validation_errors()
            and len(result.invalid_rows) < result.total_rows
        ):
            context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
        return response
