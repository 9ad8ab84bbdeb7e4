"""Finding 9 of issue 10 and item 6 of issue 11, through the API: malformed numbers, periods and
bodies answer 400 application/problem+json (never 500) and change nothing; reads of a period
never create it."""

import pytest
from rest_framework.test import APIClient

from ebakul.api.models import SCOPE_READ, SCOPE_WRITE
from ebakul.api.services import api_key_create, integration_client_create
from ebakul.compliance.models import Period
from ebakul.core.identifiers import make_nip
from ebakul.employees.models import Employee
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

NIP = make_nip(9909)


@pytest.fixture
def api(ref):
    issued = api_key_create(
        client=integration_client_create(name="e-TPP BPKAD"), scopes=(SCOPE_READ, SCOPE_WRITE)
    )
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.raw}")
    return client


@pytest.fixture
def employee(ref):
    return EmployeeFactory(nip=NIP)


def assert_400_problem(response, field=None):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400 and body["detail"]
    assert body["errors"] and all(e["message"] for e in body["errors"])
    if field:
        assert field in [e["field"] for e in body["errors"]], body
    return body


@pytest.mark.parametrize("size", ["²", "١٠", "１０", "10\n", " 10", "+10", "0", "1001", "9" * 40])
def test_page_size_must_be_ascii_digits_in_range(api, size):
    response = api.get("/api/v1/periods/2026-10/deductions/", {"page_size": size})
    assert_400_problem(response, "page_size")


@pytest.mark.parametrize(
    "period", ["0000-01", "1900-01", "2026-10\n", "２０２６-10", "2026-1０", "9999-12", "2026-13"]
)
def test_compliance_period_is_strict_and_never_a_500(api, employee, period):
    before = Period.objects.count()
    response = api.get(f"/api/v1/employees/{NIP}/compliance/", {"period": period})
    assert_400_problem(response, "period")
    assert Period.objects.count() == before


@pytest.mark.parametrize(
    "period", ["0000-01", "2026-10%0A", "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-10"]
)
def test_deduction_export_period_is_strict(api, period):
    response = api.get(f"/api/v1/periods/{period}/deductions/")
    assert_400_problem(response, "period")


def test_reading_compliance_of_an_unknown_period_creates_no_period(api, employee):
    assert not Period.objects.filter(period="2031-03").exists()
    response = api.get(f"/api/v1/employees/{NIP}/compliance/", {"period": "2031-03"})
    assert response.status_code == 200, response.content
    assert response.json()["period"] == "2031-03"
    assert response.json()["period_status"] == "open"
    assert not Period.objects.filter(period="2031-03").exists()
    listed = api.get("/api/v1/periods/").json()
    assert "2031-03" not in [p["period"] for p in listed]


def _nested(depth: int) -> bytes:
    return b'{"name": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("depth", [100_000, 5_000, 40])
def test_deeply_nested_json_is_a_400(api, depth):
    response = api.generic(
        "PUT", f"/api/v1/employees/{NIP}", _nested(depth), content_type="application/json"
    )
    assert_400_problem(response)
    assert not Employee.objects.filter(nip=NIP).exists()


def test_ordinary_json_still_parses(api):
    response = api.put(
        f"/api/v1/employees/{NIP}",
        {
            "name": "Siti Aminah",
            "employee_type": "PNS",
            "employee_class": 9,
            "unit_code": "DINKES",
            "tpp_ceiling": 5_250_000,
            "active": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def test_an_id_beyond_the_integer_range_is_a_404(api):
    response = api.post(
        "/api/v1/deductions/99999999999999999999999999/acknowledge/",
        {"etpp_reference": "X", "applied_amount": 1, "applied_at": "2026-10-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("employee_class", "٩"),  # Arabic-Indic nine: int() reads it
        ("employee_class", "²"),
        ("tpp_ceiling", "５２５００００"),
        ("tpp_ceiling", 10**30),
    ],
)
def test_employee_numbers_must_be_ascii_and_in_range(api, field, value):
    data = {
        "name": "Siti Aminah",
        "employee_type": "PNS",
        "employee_class": 9,
        "unit_code": "DINKES",
        "tpp_ceiling": 5_250_000,
        "active": True,
        field: value,
    }
    response = api.put(f"/api/v1/employees/{NIP}", data, format="json")
    assert_400_problem(response, field)
    assert not Employee.objects.filter(nip=NIP).exists()
