"""PUT /api/v1/employees/{nip} and POST /api/v1/employees/bulk-upsert/."""

import pytest

from ebakul.core.identifiers import make_nip
from ebakul.employees.models import Employee, EmployeeClass

pytestmark = pytest.mark.django_db

NIP = make_nip(4242)
PPPK_NIP = make_nip(4243, employee_type="PPPK")


def body(**overrides):
    data = {
        "name": "Siti Aminah",
        "employee_type": "PNS",
        "employee_class": 9,
        "unit_code": "DINKES",
        "tpp_ceiling": 5_250_000,
        "active": True,
    }
    data.update(overrides)
    return data


def put(api, nip, data):
    return api.put(f"/api/v1/employees/{nip}", data, format="json")


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    data = response.json()
    assert data["status"] == status
    assert isinstance(data["type"], str) and data["type"]
    assert isinstance(data["title"], str) and data["title"]
    assert isinstance(data["detail"], str) and data["detail"]
    return data


def test_put_creates_then_updates(api):
    created = put(api, NIP, body())
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["nip"] == NIP and isinstance(data["nip"], str)
    assert data["name"] == "Siti Aminah"
    assert data["employee_type"] == "PNS"
    assert data["employee_class"] == 9
    assert data["unit_code"] == "DINKES"
    assert data["tpp_ceiling"] == 5_250_000
    assert data["active"] is True
    employee = Employee.objects.get(nip=NIP)
    assert employee.work_unit.code == "DINKES"
    assert employee.employee_class.number == 9
    assert employee.history.count() == 1
    assert employee.history.first().history_user.integration_client.name == "e-TPP BPKAD"

    updated = put(api, NIP, body(unit_code="BPKAD", tpp_ceiling=6_000_000, active=False))
    assert updated.status_code == 200
    assert updated.json()["unit_code"] == "BPKAD"
    employee.refresh_from_db()
    assert (employee.work_unit.code, employee.tpp_ceiling, employee.active) == (
        "BPKAD",
        6_000_000,
        False,
    )
    assert employee.history.count() == 2


def test_put_same_data_twice_writes_no_new_history(api):
    put(api, NIP, body())
    again = put(api, NIP, body())
    assert again.status_code == 200
    assert Employee.objects.get(nip=NIP).history.count() == 1


def test_put_leaving_out_active_keeps_it(api):
    put(api, NIP, body(active=False))
    data = body()
    del data["active"]
    del data["tpp_ceiling"]
    response = put(api, NIP, data)
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert response.json()["tpp_ceiling"] == 5_250_000


def test_put_pppk_number_is_only_length_checked(api):
    response = put(api, PPPK_NIP, body(employee_type="PPPK"))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("nip", "data", "field"),
    [
        ("12345", body(), "nip"),
        ("19990231" + "2020011" + "001", body(), "nip"),  # no such birth date
        (NIP, body(employee_class=99), "employee_class"),
        (NIP, body(employee_class="x"), "employee_class"),
        (NIP, body(unit_code="NOPE"), "unit_code"),
        (NIP, body(employee_type="HONORER"), "employee_type"),
        (NIP, body(tpp_ceiling=-1), "tpp_ceiling"),
        (NIP, body(name=""), "name"),
        (NIP, body(nip=make_nip(1)), "nip"),
    ],
)
def test_put_invalid_is_refused_and_changes_nothing(api, nip, data, field):
    before = Employee.objects.count()
    response = put(api, nip, data)
    problem = assert_problem(response, 400)
    assert problem["type"].endswith(":validation")
    assert field in [e["field"] for e in problem["errors"]]
    assert all(isinstance(e["message"], str) and e["message"] for e in problem["errors"])
    assert Employee.objects.count() == before


def test_put_invalid_update_leaves_existing_row(api):
    put(api, NIP, body())
    response = put(api, NIP, body(unit_code="NOPE", name="Changed"))
    assert_problem(response, 400)
    employee = Employee.objects.get(nip=NIP)
    assert (employee.name, employee.work_unit.code) == ("Siti Aminah", "DINKES")
    assert employee.history.count() == 1


def test_put_not_json_is_a_problem(api):
    response = api.put(f"/api/v1/employees/{NIP}", "nope", content_type="application/json")
    assert_problem(response, 400)


def test_bulk_upsert_applies_good_rows_and_reports_bad_ones(api, django_assert_max_num_queries):
    existing = make_nip(5000)
    put(api, existing, body(name="Lama"))
    rows = [
        {"nip": make_nip(5001), **body(name="Baru Satu")},
        {"nip": existing, **body(name="Lama Diubah", unit_code="NOPE")},  # rejected update
        {"nip": "123", **body()},  # rejected create
        {"nip": make_nip(5002), **body(employee_class=3, unit_code="BPKAD")},
        {"nip": existing, **body(name="Lama Lagi")},  # accepted update
        "not an object",
    ]
    response = api.post("/api/v1/employees/bulk-upsert/", rows, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["created"], data["updated"], data["rejected"]) == (2, 1, 3)
    statuses = [(r["index"], r["status"]) for r in data["results"]]
    assert statuses == [
        (0, "created"),
        (1, "rejected"),
        (2, "rejected"),
        (3, "created"),
        (4, "updated"),
        (5, "rejected"),
    ]
    assert data["results"][1]["errors"][0]["field"] == "unit_code"
    assert data["results"][2]["errors"][0]["field"] == "nip"
    assert data["results"][0]["errors"] == []
    assert Employee.objects.get(nip=make_nip(5001)).name == "Baru Satu"
    assert Employee.objects.get(nip=make_nip(5002)).employee_class == EmployeeClass.objects.get(
        number=3
    )
    assert Employee.objects.get(nip=existing).name == "Lama Lagi"
    assert not Employee.objects.filter(nip="123").exists()


def test_bulk_upsert_refuses_a_non_list(api):
    problem = assert_problem(
        api.post("/api/v1/employees/bulk-upsert/", {"nip": NIP}, format="json"), 400
    )
    assert problem["errors"][0]["field"] is None


def test_bulk_upsert_refuses_too_many_rows(api):
    rows = [{"nip": make_nip(i), **body()} for i in range(1001)]
    assert_problem(api.post("/api/v1/employees/bulk-upsert/", rows, format="json"), 400)
    assert Employee.objects.count() == 0
