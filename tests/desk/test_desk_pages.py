"""Every desk list and add page opens for an administrator; other roles cannot open the desk."""

import pytest
from django.contrib import admin
from django.urls import reverse

from ebakul.accounts import roles
from tests.factories import EmployeeFactory, MerchantFactory, PurchaseFactory, UserFactory


def _registered():
    return sorted(
        admin.site._registry.items(), key=lambda kv: (kv[0]._meta.app_label, kv[0]._meta.model_name)
    )


def _ids():
    return [f"{m._meta.app_label}.{m._meta.model_name}" for m, _a in _registered()]


@pytest.fixture
def some_rows(ref):
    PurchaseFactory()
    MerchantFactory()


@pytest.mark.parametrize("model", [m for m, _a in _registered()], ids=_ids())
def test_changelist_opens_for_admin(admin_client, some_rows, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("model", [m for m, _a in _registered()], ids=_ids())
def test_add_page_opens_for_admin_or_is_refused_when_read_only(admin_client, rf, desk_admin, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = desk_admin
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = admin_client.get(url)
    if model_admin.has_add_permission(request):
        assert response.status_code == 200, url
    else:
        # Read-only documents (history, events, sequences, results): no add page, even by URL.
        assert response.status_code == 403, url


def test_desk_index_opens_for_admin(admin_client):
    response = admin_client.get("/desk/")
    assert response.status_code == 200


@pytest.mark.parametrize("fixture_name", ["employee_user", "merchant_user"])
def test_employee_and_merchant_cannot_open_the_desk(client, request, fixture_name):
    user = request.getfixturevalue(fixture_name)
    client.force_login(user)
    for url in ("/desk/", reverse("admin:employees_employee_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/desk/login/")


def test_staff_flag_without_a_desk_role_is_refused(client, ref):
    # A stray is_staff on an employee account must not open the desk.
    user = UserFactory(username="pegawai-staff", role=roles.EMPLOYEE)
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response.url.startswith("/desk/login/")


def test_employee_cannot_log_in_to_the_desk(client, employee_user):
    response = client.post(
        "/desk/login/?next=/desk/",
        {"username": employee_user.username, "password": "rahasia-123", "next": "/desk/"},
    )
    assert response.status_code == 200  # the login form again, with an error
    assert "_auth_user_id" not in client.session


def test_verifier_and_operator_open_the_desk(client, verifier, operator_user):
    for user in (verifier, operator_user):
        client.force_login(user)
        assert client.get("/desk/").status_code == 200
        assert client.get(reverse("admin:purchases_purchase_changelist")).status_code == 200


def test_change_pages_open_for_admin(admin_client, ref):
    purchase = PurchaseFactory()
    merchant = purchase.merchant
    employee = EmployeeFactory()
    for name, obj in (
        ("purchases_purchase", purchase),
        ("merchants_umkmmerchant", merchant),
        ("employees_employee", employee),
    ):
        response = admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert response.status_code == 200, name
        response = admin_client.get(reverse(f"admin:{name}_history", args=[obj.pk]))
        assert response.status_code == 200, name
