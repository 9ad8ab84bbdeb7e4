"""Row scoping in the desk: an OPD operator sees only their unit's rows; lists stay N+1 free."""

from django.urls import reverse

from ebakul.accounts import roles
from ebakul.employees.models import WorkUnit
from ebakul.purchases.models import Purchase
from tests.factories import (
    EmployeeFactory,
    MerchantFactory,
    PurchaseFactory,
    UserFactory,
    verified_merchant,
)


def _rows(response):
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def _two_units():
    dinkes, bpkad = WorkUnit.objects.get(code="DINKES"), WorkUnit.objects.get(code="BPKAD")
    merchant = verified_merchant()
    ours = [EmployeeFactory(work_unit=dinkes) for _ in range(2)]
    theirs = [EmployeeFactory(work_unit=bpkad) for _ in range(3)]
    for e in ours + theirs:
        PurchaseFactory(employee=e, merchant=merchant)
    return ours, theirs


def test_operator_sees_only_their_units_employees_and_purchases(client, operator_user):
    ours, theirs = _two_units()
    client.force_login(operator_user)

    employees = _rows(client.get(reverse("admin:employees_employee_changelist")))
    assert {e.pk for e in employees} == {e.pk for e in ours}

    purchases = _rows(client.get(reverse("admin:purchases_purchase_changelist")))
    assert {p.employee_id for p in purchases} == {e.pk for e in ours}
    assert len(purchases) == 2

    units = _rows(client.get(reverse("admin:employees_workunit_changelist")))
    assert [u.code for u in units] == ["DINKES"]


def test_operator_cannot_open_another_units_rows(client, operator_user):
    ours, theirs = _two_units()
    client.force_login(operator_user)
    other = theirs[0]
    response = client.get(reverse("admin:employees_employee_change", args=[other.pk]))
    assert response.status_code == 302  # "does not exist" and back to the index
    purchase = Purchase.objects.get(employee=other)
    response = client.get(reverse("admin:purchases_purchase_change", args=[purchase.pk]))
    assert response.status_code == 302
    response = client.get(reverse("admin:employees_employee_change", args=[ours[0].pk]))
    assert response.status_code == 200


def test_operator_search_does_not_reach_other_units(client, operator_user):
    ours, theirs = _two_units()
    client.force_login(operator_user)
    url = reverse("admin:employees_employee_changelist")
    assert _rows(client.get(url, {"q": theirs[0].nip})) == []
    assert [e.pk for e in _rows(client.get(url, {"q": ours[0].nip}))] == [ours[0].pk]


def test_operator_unit_filter_offers_only_their_unit(client, operator_user):
    _two_units()
    client.force_login(operator_user)
    response = client.get(reverse("admin:purchases_purchase_changelist"))
    unit_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "unit")
    assert [label for _v, label in unit_filter.lookup_choices] == [
        str(WorkUnit.objects.get(code="DINKES"))
    ]


def test_operator_cannot_add_or_change(client, operator_user):
    client.force_login(operator_user)
    assert client.get(reverse("admin:employees_employee_add")).status_code == 403
    assert client.get(reverse("admin:purchases_purchase_add")).status_code == 403


def test_admin_sees_all_units(admin_client):
    ours, theirs = _two_units()
    employees = _rows(admin_client.get(reverse("admin:employees_employee_changelist")))
    assert {e.pk for e in ours + theirs} <= {e.pk for e in employees}


def test_filters_and_search_work_together(admin_client):
    ours, theirs = _two_units()
    purchase = Purchase.objects.filter(employee=ours[0]).get()
    url = reverse("admin:purchases_purchase_changelist")
    rows = _rows(
        admin_client.get(
            url,
            {
                "period": purchase.period,
                "status": purchase.status,
                "unit": ours[0].work_unit_id,
                "q": ours[0].nip,
            },
        )
    )
    assert [p.pk for p in rows] == [purchase.pk]
    rows = _rows(admin_client.get(url, {"q": purchase.document_number}))
    assert [p.pk for p in rows] == [purchase.pk]
    assert _rows(admin_client.get(url, {"status": "rejected"})) == []


def _queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_lists_do_not_grow_queries_with_rows(admin_client, django_assert_max_num_queries):
    """N+1 guard: the same query budget for 2 rows and for 22 rows."""
    merchant = verified_merchant()
    for _ in range(2):
        PurchaseFactory(merchant=merchant)
        MerchantFactory()
    urls = [
        reverse("admin:purchases_purchase_changelist"),
        reverse("admin:employees_employee_changelist"),
        reverse("admin:merchants_umkmmerchant_changelist"),
        reverse("admin:employees_workunit_changelist"),
        reverse("admin:accounts_user_changelist"),
    ]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    budgets = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        budgets[url] = len(ctx.captured_queries)
    print("desk list query budgets:", budgets)
    for n in range(20):
        PurchaseFactory(merchant=merchant)
        MerchantFactory()
        UserFactory(username=f"n1-{n}", role=roles.MERCHANT)
    for url in urls:
        _queries_for(admin_client, url, django_assert_max_num_queries, budgets[url])


def test_receipts_are_not_public_media_and_the_desk_links_the_scoped_view(
    admin_client, operator_user
):
    from django.test import Client
    from django.urls import reverse

    from tests.factories import PurchaseFactory

    purchase = PurchaseFactory()  # employee of BPKAD, outside the operator's DINKES
    scoped = reverse("portal:receipt", args=[purchase.pk])
    page = admin_client.get(reverse("admin:purchases_purchase_change", args=[purchase.pk]))
    assert scoped in page.content.decode()
    assert purchase.receipt.url not in page.content.decode()
    assert admin_client.get(scoped).status_code == 200
    # Not as a public file, not for anonymous users, not for another unit's operator.
    client = Client()
    assert client.get(purchase.receipt.url).status_code == 404
    assert client.get(scoped).status_code in (302, 404)
    client.force_login(operator_user)
    assert client.get(scoped).status_code == 404
