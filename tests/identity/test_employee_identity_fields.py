"""NIK and nomor KK reach employees through the one upsert validator (docs/adr/0211): the API
PUT, the bulk upsert and the XLSX import accept them, refuse them with the same message, store
keyed hashes for matching, and never answer or export the raw numbers."""

import io

import pytest
import tablib
from django.utils import translation
from openpyxl import Workbook

from ebakul.core.identifiers import make_nik, make_nip
from ebakul.core.keyed_hash import identity_hash
from ebakul.employees.models import Employee
from ebakul.employees.resources import EmployeeResource
from ebakul.employees.services import MSG_UPSERT_INT, employee_upsert_clean

pytestmark = pytest.mark.django_db

NIP = make_nip(7101)
NIK = make_nik(7101)
KK = "3522010101200003"


def body(**overrides):
    data = {
        "name": "Siti Aminah",
        "employee_type": "PNS",
        "employee_class": 9,
        "unit_code": "DINKES",
        "nik": NIK,
        "kk_number": KK,
    }
    data.update(overrides)
    return data


def test_put_stores_nik_and_kk_with_keyed_hashes_and_answers_them_masked(api):
    response = api.put(f"/api/v1/employees/{NIP}", body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert NIK not in response.content.decode() and KK not in response.content.decode()
    assert data["nik_masked"] == NIK[:4] + "*" * 10 + NIK[-2:]
    assert data["kk_number_masked"] == "3522**********03"
    employee = Employee.objects.get(nip=NIP)
    assert (employee.nik, employee.kk_number) == (NIK, KK)
    assert employee.nik_hash == identity_hash("nik", NIK) and len(employee.nik_hash) == 64
    assert employee.kk_hash == identity_hash("kk", KK)
    assert employee.nik_hash != identity_hash("kk", NIK)  # kinds never match each other


def test_put_leaving_out_nik_keeps_it_and_null_clears_it(api):
    api.put(f"/api/v1/employees/{NIP}", body(), format="json")
    kept = body()
    del kept["nik"], kept["kk_number"]
    assert api.put(f"/api/v1/employees/{NIP}", kept, format="json").status_code == 200
    assert Employee.objects.get(nip=NIP).nik == NIK
    response = api.put(f"/api/v1/employees/{NIP}", body(nik=None, kk_number=""), format="json")
    assert response.status_code == 200
    employee = Employee.objects.get(nip=NIP)
    assert (employee.nik, employee.nik_hash, employee.kk_number, employee.kk_hash) == (
        "",
        "",
        "",
        "",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("nik", "123"), ("nik", "3522019913900001"), ("kk_number", "00000000000000001"[:16])],
)
def test_invalid_identity_numbers_are_refused_with_the_validators_message_everywhere(
    api, field, value
):
    """The API's message is the service's message, word for word, in PUT and in bulk."""
    with pytest.raises(Exception) as service_error:
        employee_upsert_clean({"nip": NIP, **body(**{field: value})})
    expected = [str(m) for m in service_error.value.message_dict[field]]
    put = api.put(f"/api/v1/employees/{NIP}", body(**{field: value}), format="json")
    assert put.status_code == 400
    assert [e["message"] for e in put.json()["errors"] if e["field"] == field] == expected
    bulk = api.post(
        "/api/v1/employees/bulk-upsert/", [{"nip": NIP, **body(**{field: value})}], format="json"
    )
    row = bulk.json()["results"][0]
    assert row["status"] == "rejected"
    assert [e["message"] for e in row["errors"] if e["field"] == field] == expected
    assert not Employee.objects.filter(nip=NIP).exists()


def test_api_type_errors_come_from_the_service_not_a_serializer(api):
    """Before issue 15 a serializer answered "A valid integer is required." and the import
    "Must be a whole number."; now both say the service's words."""
    response = api.put(f"/api/v1/employees/{NIP}", body(employee_class="x"), format="json")
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    with translation.override("id"):
        assert (
            messages
            == {"employee_class": str(MSG_UPSERT_INT)}
            == {"employee_class": "Harus bilangan bulat."}
        )
        listed = api.put(f"/api/v1/employees/{NIP}", body(name=["a", "b"]), format="json")
        assert {e["field"]: e["message"] for e in listed.json()["errors"]} == {
            "name": "Harus satu nilai, bukan daftar atau objek."
        }


def test_bulk_upsert_accepts_nik_and_kk(api):
    rows = [{"nip": NIP, **body()}, {"nip": make_nip(7102), **body(nik=make_nik(7102))}]
    response = api.post("/api/v1/employees/bulk-upsert/", rows, format="json")
    assert response.json()["created"] == 2
    assert Employee.objects.get(nip=make_nip(7102)).kk_hash == identity_hash("kk", KK)


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["NIP", "Nama", "Jenis Pegawai", "Kelas Jabatan", "Kode Unit", "NIK", "No KK"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_import_takes_nik_and_kk_even_as_numbers_and_refuses_bad_ones(ref):
    good = make_nip(7103)
    rows = [
        [good, "Budi", "PNS", 7, "BPKAD", int(NIK), KK],  # a NIK typed as a number in Excel
        [make_nip(7104), "Rina", "PNS", 7, "BPKAD", "12345", KK],
    ]
    dataset = tablib.Dataset().load(_xlsx(rows), format="xlsx")
    with translation.override("id"):
        result = EmployeeResource().import_data(dataset, dry_run=False)
        invalid = {
            r.number: {k: [str(m) for m in v] for k, v in r.error_dict.items()}
            for r in result.invalid_rows
        }
    assert invalid == {2: {"nik": ["NIK harus tepat 16 digit angka."]}}
    employee = Employee.objects.get(nip=good)
    assert (employee.nik, employee.kk_number) == (NIK, KK)
    assert employee.nik_hash == identity_hash("nik", NIK)


def test_export_never_carries_nik_or_kk(ref):
    from tests.factories import EmployeeFactory

    EmployeeFactory(nip=NIP, nik=NIK, kk_number=KK)
    exported = EmployeeResource().export(Employee.objects.filter(nip=NIP)).csv
    assert NIK not in exported and KK not in exported
    assert "nik" not in exported.splitlines()[0]
