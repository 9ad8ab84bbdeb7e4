"""Writes and exports outside one's rows (issue 10, "scoping on every view of an object"): an
OPD operator or a verifier posting to objects of another unit is refused, and the refused request
changes nothing; exports and autocompletes carry only the user's rows."""

import json

import pytest
from django import forms
from django.urls import reverse

from ebakul.employees.models import Employee, WorkUnit
from ebakul.purchases.models import Purchase
from ebakul.workflow.models import WorkflowEvent
from tests.factories import EmployeeFactory, PurchaseFactory, verified_merchant


@pytest.fixture
def two_units(ref):
    dinkes, bpkad = WorkUnit.objects.get(code="DINKES"), WorkUnit.objects.get(code="BPKAD")
    shop = verified_merchant()
    ours = EmployeeFactory(work_unit=dinkes, name="Pegawai Dinkes")
    theirs = EmployeeFactory(work_unit=bpkad, name="Pegawai Bpkad")
    return {
        "ours": ours,
        "theirs": theirs,
        "their_purchase": PurchaseFactory(employee=theirs, merchant=shop, status="submitted"),
        "our_purchase": PurchaseFactory(employee=ours, merchant=shop, status="submitted"),
    }


def _purchase_state(p):
    p = Purchase.objects.get(pk=p.pk)
    events = WorkflowEvent.objects.filter(document_type="purchases.purchase", object_id=p.pk)
    return (
        p.status,
        p.amount,
        p.employee_id,
        events.count(),
        Purchase.history.filter(id=p.pk).count(),
    )


def test_operator_workflow_post_on_another_units_purchase_is_404(client, operator_user, two_units):
    theirs = two_units["their_purchase"]
    before = _purchase_state(theirs)
    client.force_login(operator_user)
    response = client.post(
        reverse("admin:purchases_purchase_workflow", args=[theirs.pk]),
        {"wf_action": "reject", "wf_state": "submitted", "wf_comment": "x"},
    )
    assert response.status_code == 404
    assert _purchase_state(theirs) == before


def test_bulk_action_with_a_foreign_id_touches_nothing(client, verifier, operator_user, two_units):
    theirs = two_units["their_purchase"]
    before = _purchase_state(theirs)
    client.force_login(operator_user)
    client.post(
        reverse("admin:purchases_purchase_changelist"),
        {"action": "workflow_reject", "_selected_action": [theirs.pk]},
    )
    assert _purchase_state(theirs) == before


def test_operator_cannot_post_a_change_or_a_history_revert_of_another_unit(
    client, operator_user, two_units
):
    theirs = two_units["theirs"]
    before = (Employee.objects.filter(pk=theirs.pk).values().get(), theirs.history.count())
    client.force_login(operator_user)
    change = client.post(
        reverse("admin:employees_employee_change", args=[theirs.pk]),
        {"name": "Diubah", "nip": theirs.nip},
    )
    assert change.status_code in (302, 403, 404)
    version = theirs.history.first().history_id
    revert = client.post(
        reverse("admin:employees_employee_simple_history", args=[theirs.pk, version]),
        {"name": "Diubah"},
    )
    assert revert.status_code in (403, 404)
    after = (Employee.objects.filter(pk=theirs.pk).values().get(), theirs.history.count())
    assert after == before


def test_verifier_cannot_delete_a_purchase(client, verifier, two_units):
    theirs = two_units["their_purchase"]
    client.force_login(verifier)
    response = client.post(
        reverse("admin:purchases_purchase_delete", args=[theirs.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Purchase.objects.filter(pk=theirs.pk).exists()


def test_operator_export_of_employees_holds_only_their_unit(client, operator_user, two_units):
    client.force_login(operator_user)
    url = reverse("admin:employees_employee_export")
    form = client.get(url).context["form"]
    data = {
        name: "on" for name, field in form.fields.items() if isinstance(field, forms.BooleanField)
    }
    csv_index = next(
        value for value, label in form.fields["format"].choices if str(label).lower() == "csv"
    )
    data.update({"format": csv_index, "resource": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    assert two_units["ours"].nip in text
    assert two_units["theirs"].nip not in text


def test_operator_autocomplete_of_exemption_employee_holds_only_their_unit(
    client, operator_user, two_units
):
    client.force_login(operator_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "compliance",
            "model_name": "exemption",
            "field_name": "employee",
            "term": "Pegawai",
        },
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in json.loads(response.content)["results"]}
    assert ids == {two_units["ours"].pk}
