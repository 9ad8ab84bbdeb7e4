"""The desk import of employees (XLSX/CSV): preview, per-row errors in Indonesian, good rows
stored, refused rows change nothing."""

import io

import pytest
import tablib
from django.utils import translation
from openpyxl import Workbook

from ebakul.core.identifiers import make_nip
from ebakul.employees.models import Employee
from ebakul.employees.resources import EmployeeResource

pytestmark = pytest.mark.django_db

GOOD_1, GOOD_2, EXISTING = make_nip(8001), make_nip(8002), make_nip(8003)
HEADER = ["NIP", "Nama", "Jenis Pegawai", "Kelas Jabatan", "Kode Unit", "Pagu TPP", "Aktif"]
ROWS = [
    [GOOD_1, "Budi Santoso", "PNS", 7, "BPKAD", 4_100_000, "ya"],
    ["12345", "NIP Pendek", "PNS", 7, "BPKAD", 4_100_000, "ya"],
    [GOOD_2, "Rina Wati", "PPPK", 5, "DINKES", None, "ya"],
    [EXISTING, "Nama Baru Ditolak", "PNS", 7, "TIDAK-ADA", 1, "ya"],
    [make_nip(8004), "Kelas Salah", "PNS", 42, "BPKAD", 1, "ya"],
]


@pytest.fixture
def existing(ref):
    from tests.factories import EmployeeFactory

    return EmployeeFactory(nip=EXISTING, name="Nama Lama")


def xlsx_bytes(rows=ROWS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_resource_stores_good_rows_and_reports_bad_ones_in_indonesian(existing):
    dataset = tablib.Dataset().load(xlsx_bytes(), format="xlsx")
    with translation.override("id"):
        result = EmployeeResource().import_data(dataset, dry_run=False)
        invalid = {r.number: r.error_dict for r in result.invalid_rows}
        messages = {n: [str(m) for ms in d.values() for m in ms] for n, d in invalid.items()}
    assert sorted(invalid) == [2, 4, 5]
    assert "nip" in invalid[2]
    assert "unit_code" in invalid[4]
    assert "employee_class" in invalid[5]
    assert messages[2] == ["NIP harus tepat 18 digit angka."]
    assert messages[4] == ["Kode unit kerja tidak dikenal: TIDAK-ADA."]
    assert messages[5] == ["Kelas jabatan tidak dikenal: 42."]
    assert Employee.objects.get(nip=GOOD_1).tpp_ceiling == 4_100_000
    rina = Employee.objects.get(nip=GOOD_2)
    assert (rina.employee_type, rina.work_unit.code, rina.tpp_ceiling) == ("PPPK", "DINKES", None)
    existing.refresh_from_db()
    assert existing.name == "Nama Lama"  # the refused update changed nothing
    assert not Employee.objects.filter(nip__in=["12345", make_nip(8004)]).exists()


def test_csv_import_uses_the_same_rules(existing):
    csv_text = "nip,name,employee_type,employee_class,unit_code,tpp_ceiling,active\n"
    csv_text += f"{EXISTING},Nama Diperbarui,PNS,8,DINKES,5.000.000,tidak\n"
    result = EmployeeResource().import_data(tablib.Dataset().load(csv_text, format="csv"))
    assert not result.has_validation_errors()
    existing.refresh_from_db()
    assert (
        existing.name,
        existing.employee_class.number,
        existing.tpp_ceiling,
        existing.active,
    ) == (
        "Nama Diperbarui",
        8,
        5_000_000,
        False,
    )


def _format_index(name):
    from django.contrib import admin

    model_admin = admin.site._registry[Employee]
    formats = model_admin.get_import_formats()
    return next(i for i, f in enumerate(formats) if f().get_title() == name)


def test_desk_import_preview_then_confirm(client, admin_user, existing):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    upload = SimpleUploadedFile("pegawai.xlsx", xlsx_bytes())
    with translation.override("id"):
        preview = client.post(
            "/desk/employees/employee/import/",
            {"import_file": upload, "format": _format_index("xlsx"), "resource": 0},
            HTTP_ACCEPT_LANGUAGE="id",
        )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Kode unit kerja tidak dikenal: TIDAK-ADA." in html
    assert "NIP harus tepat 18 digit angka." in html
    # The preview is a dry run: nothing stored yet.
    assert not Employee.objects.filter(nip__in=[GOOD_1, GOOD_2]).exists()
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    done = client.post("/desk/employees/employee/process_import/", confirm.initial)
    assert done.status_code == 302
    assert Employee.objects.filter(nip__in=[GOOD_1, GOOD_2]).count() == 2
    existing.refresh_from_db()
    assert existing.name == "Nama Lama"
    assert Employee.objects.get(nip=GOOD_1).history.first().history_user == admin_user


def test_desk_import_is_for_admins_only(client, operator_user):
    client.force_login(operator_user)
    response = client.get("/desk/employees/employee/import/")
    assert response.status_code == 403
