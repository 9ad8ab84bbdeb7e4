"""Finding 3 of issue 10: OPD operators read other units through history pages.

simple-history's history view fell back to the newest history row when the admin's
``get_queryset`` excluded the object, and the history form view never asked it. Every object
view of the desk now goes through the admin's row scoping: outside it, 404 and nothing shown."""

import pytest
from django.urls import reverse

from ebakul.compliance.models import Exemption
from ebakul.employees.models import Employee, WorkUnit
from ebakul.purchases.models import Purchase
from tests.factories import EmployeeFactory, PurchaseFactory, verified_merchant


@pytest.fixture
def units(ref):
    dinkes, bpkad = WorkUnit.objects.get(code="DINKES"), WorkUnit.objects.get(code="BPKAD")
    shop = verified_merchant()
    ours = EmployeeFactory(work_unit=dinkes, name="Pegawai Dinkes")
    theirs = EmployeeFactory(work_unit=bpkad, name="Rahasia Bpkad", tpp_ceiling=7_654_321)
    theirs.tpp_ceiling = 7_777_777
    theirs.save()  # a second history row
    return {
        "ours": ours,
        "theirs": theirs,
        "our_purchase": PurchaseFactory(employee=ours, merchant=shop, qris_reference="QR-OURS"),
        "their_purchase": PurchaseFactory(
            employee=theirs, merchant=shop, amount=4_321_000, qris_reference="QR-SECRET-BPKAD"
        ),
        "their_exemption": Exemption.objects.create(
            employee=theirs, start_date="2026-01-01", end_date="2026-01-31", reason="leave"
        ),
        "our_exemption": Exemption.objects.create(
            employee=ours, start_date="2026-01-01", end_date="2026-01-31", reason="leave"
        ),
    }


def _history_urls(obj):
    opts = obj._meta
    info = f"{opts.app_label}_{opts.model_name}"
    version = obj.history.order_by("-history_id").first().history_id
    return (
        reverse(f"admin:{info}_history", args=[obj.pk]),
        reverse(f"admin:{info}_simple_history", args=[obj.pk, version]),
    )


SECRETS = ("Rahasia Bpkad", "7.777.777", "7777777", "QR-SECRET-BPKAD", "4.321.000")


@pytest.mark.parametrize("key", ["theirs", "their_purchase", "their_exemption"])
def test_operator_gets_404_for_history_of_another_units_rows(client, operator_user, units, key):
    obj = units[key]
    client.force_login(operator_user)
    for url in _history_urls(obj):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, (url, secret)
    if isinstance(obj, Employee):
        assert units["theirs"].nip not in body


@pytest.mark.parametrize("key", ["ours", "our_purchase", "our_exemption"])
def test_operator_still_reads_history_of_their_own_units_rows(client, operator_user, units, key):
    client.force_login(operator_user)
    for url in _history_urls(units[key]):
        assert client.get(url).status_code == 200, url


def test_history_of_a_deleted_or_unknown_object_is_404(client, admin_user, units):
    client.force_login(admin_user)
    purchase = units["their_purchase"]
    history_url, version_url = _history_urls(purchase)
    assert client.get(history_url).status_code == 200
    Purchase.objects.filter(pk=purchase.pk).delete()  # history rows remain
    assert client.get(history_url).status_code == 404
    assert client.get(version_url).status_code == 404
    assert client.get(reverse("admin:employees_employee_history", args=[999999])).status_code == 404


def test_a_version_of_another_object_is_not_served_under_ones_own(client, operator_user, units):
    """``/<our id>/history/<their version>/`` must not show their version."""
    client.force_login(operator_user)
    theirs = units["theirs"].history.order_by("-history_id").first().history_id
    url = reverse("admin:employees_employee_simple_history", args=[units["ours"].pk, theirs])
    response = client.get(url)
    assert response.status_code == 404
    assert "Rahasia Bpkad" not in response.content.decode()
