""" "Tugas saya" as a work list (docs/adr/0142): one's own tasks only, the columns a verifier
needs, search, filters, sort, a count per type, an empty state that says what to do, and a
query count that does not grow with the rows."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ebakul.workflow import services as wf
from ebakul.workflow.models import Assignment
from tests.factories import EmployeeFactory

URL = "admin:workflow_mytask_changelist"


def _assign(world, user, **kwargs):
    purchase = world.purchase(status="merchant_confirmed", **kwargs)
    Assignment.objects.create(
        document_type="purchases.purchase",
        object_id=purchase.pk,
        assignee=user,
        group_id=world.verifier.groups.first().pk,
    )
    return purchase


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse(URL), params)


def test_the_work_list_shows_only_my_tasks_with_the_columns_a_verifier_needs(world, client):
    mine = _assign(world, world.verifier, amount=209500)
    theirs = _assign(world, world.admin, amount=77000)
    response = _get(client, world.verifier)
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.document_number in html and theirs.document_number not in html
    employee = mine.employee
    for text in (
        employee.name,
        employee.nip,
        employee.work_unit.name,
        mine.merchant.business_name,
        "Rp209.500",
        "Dikonfirmasi penjual",
    ):
        assert text in html, text
    assert "merchant_confirmed" not in html.split('id="result_list"')[1].split("</table>")[0]
    assert reverse("workbench:task", args=["pembelian", mine.pk]) in html


def test_an_operator_sees_an_empty_list_that_says_what_to_do(world, client):
    _assign(world, world.verifier)
    html = _get(client, world.operator).content.decode()
    assert 'id="my-tasks-empty"' in html
    assert "Buat data baru" not in html and "Create a new item" not in html


def test_search_by_nip_name_number_and_merchant(world, client):
    other_employee = EmployeeFactory(name="Siti Rahmawati")
    a = _assign(world, world.verifier)
    b = _assign(world, world.verifier, employee=other_employee)
    for term in (other_employee.nip, "Rahmawati", b.document_number):
        html = _get(client, world.verifier, q=term).content.decode()
        assert b.document_number in html and a.document_number not in html, term
    c = _assign(world, world.verifier, merchant=world.other_shop)
    html = _get(client, world.verifier, q=world.other_shop.business_name).content.decode()
    assert c.document_number in html and a.document_number not in html


def test_filters_by_type_state_unit_and_age(world, client):
    other_employee = EmployeeFactory()
    a = _assign(world, world.verifier)
    b = _assign(world, world.verifier, employee=other_employee)
    Assignment.objects.filter(object_id=b.pk).update(
        assigned_at=timezone.now() - dt.timedelta(days=5)
    )
    html = _get(client, world.verifier, unit=other_employee.work_unit_id).content.decode()
    if other_employee.work_unit_id != a.employee.work_unit_id:
        assert b.document_number in html and a.document_number not in html
    html = _get(client, world.verifier, age="d7").content.decode()
    assert b.document_number in html and a.document_number not in html
    html = _get(client, world.verifier, age="d1").content.decode()
    assert a.document_number in html and b.document_number not in html
    html = _get(
        client, world.verifier, state="purchases.purchase:merchant_disputed"
    ).content.decode()
    assert a.document_number not in html and 'id="my-tasks-empty"' in html
    html = _get(
        client, world.verifier, **{"document_type__exact": "merchants.umkmmerchant"}
    ).content.decode()
    assert a.document_number not in html


def test_sorting_by_amount(world, client):
    small = _assign(world, world.verifier, amount=1000)
    big = _assign(world, world.verifier, amount=900000)
    client.force_login(world.verifier)
    page = client.get(reverse(URL)).context["cl"]
    amount_column = list(page.list_display).index("amount")
    html = client.get(reverse(URL), {"o": f"-{amount_column}"}).content.decode()
    assert html.index(big.document_number) < html.index(small.document_number)
    html = client.get(reverse(URL), {"o": f"{amount_column}"}).content.decode()
    assert html.index(small.document_number) < html.index(big.document_number)


def test_the_query_count_does_not_grow_with_the_rows(world, client):
    _assign(world, world.verifier)
    client.force_login(world.verifier)
    client.get(reverse(URL))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(URL)).status_code == 200
    for _ in range(15):
        _assign(world, world.verifier, employee=EmployeeFactory())
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(URL)).status_code == 200
    assert len(many) == len(one), [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 16


def test_counts_per_type_and_a_decision_leaves_the_list(world, client):
    purchase = world.purchase(status="submitted")
    wf.apply_action(document=purchase, action="confirm", actor=world.merchant_owner)
    assignee = Assignment.objects.get(object_id=purchase.pk, active=True).assignee
    html = _get(client, assignee).content.decode()
    assert 'data-document-type="purchases.purchase"' in html
    assert purchase.document_number in html
    wf.apply_action(document=purchase, action="verify", actor=assignee)
    html = _get(client, assignee).content.decode()
    assert purchase.document_number not in html.split('id="my-task-counts"')[1]
