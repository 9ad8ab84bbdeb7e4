"""Finding 6 of issue 10: a name received through the API must never become a live formula in a
CSV/XLSX export (reports and the desk's import-export)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ebakul.api.models import SCOPE_READ, SCOPE_WRITE
from ebakul.api.services import api_key_create, integration_client_create
from ebakul.core.identifiers import make_nip
from ebakul.core.periods import WIB, current_period, period_first_day
from ebakul.core.spreadsheet import safe_cell
from ebakul.employees.models import Employee
from tests import clock
from tests.factories import PurchaseFactory, verified_merchant

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://x","y")'
ESCAPED = "'" + ATTACK
NIP = make_nip(6606)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62 812", "'+62 812"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("Siti = Aminah", "Siti = Aminah"),
        ("", ""),
        ("-5000", "-5000"),  # a number written as text stays a number
        ("-12.5", "-12.5"),
        (-5000, -5000),
        (12.5, 12.5),
        (0, 0),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.fixture
def api(ref):
    issued = api_key_create(
        client=integration_client_create(name="e-TPP BPKAD"), scopes=(SCOPE_READ, SCOPE_WRITE)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.raw}")
    return client


@pytest.fixture
def attacker(api):
    """An employee named with a formula, received through PUT /api/v1/employees/{nip}, with a
    verified purchase this month and the month computed and locked (so every report lists them)."""
    response = api.put(
        f"/api/v1/employees/{NIP}",
        {
            "name": ATTACK,
            "employee_type": "PNS",
            "employee_class": 9,
            "unit_code": "DINKES",
            "tpp_ceiling": 5_250_000,
            "active": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    employee = Employee.objects.get(nip=NIP)
    assert employee.name == ATTACK  # stored as sent: escaping is the writers' job
    period = current_period()
    PurchaseFactory(
        employee=employee,
        merchant=verified_merchant(business_name="-1+1 Warung"),
        amount=25_000,
        status="verified",
        purchased_at=_noon(period),
    )
    clock.compute_period(period=period, actor=None)
    clock.lock_period(period=period, actor=None)  # the register lists final deductions
    return employee


def _noon(period):
    import datetime as dt

    return dt.datetime.combine(period_first_day(period), dt.time(12), tzinfo=WIB)


# Reports whose rows carry text a caller controls: employee names and business names.
REPORTS_WITH_TEXT = {
    "employees": ATTACK,
    "deduction-register": ATTACK,
    "merchants": "-1+1 Warung",
}


@pytest.mark.parametrize("slug", sorted(REPORTS_WITH_TEXT))
def test_report_exports_neutralise_formulas(client, admin_user, attacker, slug):
    client.force_login(admin_user)
    sent = REPORTS_WITH_TEXT[slug]
    params = {"period": current_period()}
    if slug == "merchants":
        params["limit"] = "0"
    url = reverse("reports:report", args=[slug])

    xlsx = client.get(url, {**params, "export": "xlsx"})
    assert xlsx.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "'" + sent]
    assert cells, f"{slug}: the escaped text is not in the XLSX"
    for cell in cells:
        assert cell.data_type == "s"
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # Money stays numeric.
    assert any(isinstance(c.value, int) for row in ws.iter_rows(min_row=2) for c in row)

    resp = client.get(url, {**params, "export": "csv"})
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    values = [v for row in rows for v in row]
    assert "'" + sent in values
    assert sent not in values


def _desk_export(client, file_format: str):
    url = reverse("admin:employees_employee_export")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    choice = next(
        value for value, label in form.fields["format"].choices if str(label).lower() == file_format
    )
    data = {"format": choice}
    if "resource" in form.fields:
        data["resource"] = form.fields["resource"].choices[0][0]
    for name, field in form.fields.items():
        if name not in data and field.__class__.__name__ == "BooleanField":
            data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response


def test_desk_employee_export_neutralises_formulas(client, admin_user, attacker):
    client.force_login(admin_user)
    xlsx = _desk_export(client, "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("nip")].value == NIP)
    name = row[header.index("name")]
    assert name.value == ESCAPED
    assert name.data_type == "s"
    assert not [c for r in ws.iter_rows() for c in r if c.data_type == "f"]

    out = _desk_export(client, "csv")
    rows = list(csv.DictReader(io.StringIO(out.content.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["nip"] == NIP)
    assert mine["name"] == ESCAPED


def test_every_import_export_resource_escapes_formulas():
    """A new desk export cannot skip the escaping: every resource of a registered admin uses
    core's mixin."""
    from django.contrib import admin
    from import_export.mixins import BaseExportMixin

    from ebakul.core.spreadsheet import FormulaSafeResourceMixin

    found = 0
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, BaseExportMixin):
            for resource in model_admin.get_export_resource_classes(None):
                found += 1
                assert issubclass(resource, FormulaSafeResourceMixin), resource
    assert found
