"""Finding 9 of issue 10 on the portal and the report pages: out-of-range dates and periods and
non-ASCII digits are form errors or 404s, never 500s, and change nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ebakul.accounts import roles
from ebakul.compliance.models import Period
from ebakul.core.periods import WIB
from ebakul.purchases.models import Purchase
from tests.factories import EmployeeFactory, UserFactory, verified_merchant
from tests.testing.images import receipt_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee_client(client, ref):
    user = UserFactory(username="pegawai-h4", role=roles.EMPLOYEE)
    EmployeeFactory(user=user)
    client.force_login(user)
    return client


@pytest.fixture
def shop(ref):
    return verified_merchant(business_name="Warung Bu Sri")


def _purchase_form(merchant, purchased_at: str):
    return {
        "merchant": merchant.pk,
        "purchased_at": purchased_at,
        "amount": "75.000",
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": receipt_upload(seed=7),
    }


@pytest.mark.parametrize(
    ("purchased_at", "message"),
    [
        ("0001-01-01T00:00", "sebelum program dimulai"),
        ("1900-01-01T10:00", "sebelum program dimulai"),
        ("9999-12-31T23:59", "masa depan"),
    ],
)
def test_portal_purchase_date_out_of_range_is_a_form_error(
    employee_client, shop, purchased_at, message
):
    before = Period.objects.count()
    response = employee_client.post(
        reverse("portal:purchase_new"), _purchase_form(shop, purchased_at)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "purchased_at" in errors
    assert message in " ".join(errors["purchased_at"]).lower()
    assert not Purchase.objects.exists()
    assert Period.objects.count() == before


@pytest.mark.parametrize("merchant", ["²", "١", "1\n"])
def test_portal_merchant_link_with_odd_digits_is_refused(employee_client, shop, merchant):
    response = employee_client.get(reverse("portal:purchase_new"), {"merchant": merchant})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:merchant_pick")


@pytest.mark.parametrize("period", ["0000-01", "2026-10\n", "２０２６-10"])
def test_portal_statement_of_a_malformed_period_is_a_404(employee_client, period):
    response = employee_client.get(f"/pegawai/laporan/{period}.pdf")
    assert response.status_code == 404


REPORT_SLUGS = ["employees", "deduction-register", "compliance-by-unit", "merchants"]


@pytest.mark.parametrize("slug", REPORT_SLUGS)
@pytest.mark.parametrize("period", ["0000-01", "1900-01", "２０２６-10", "2026-10\n"])
def test_report_with_a_malformed_period_is_a_form_error(client, admin_user, slug, period):
    client.force_login(admin_user)
    url = reverse("reports:report", args=[slug])
    before = Period.objects.count()
    page = client.get(url, {"period": period})
    assert page.status_code == 200
    assert "period" in page.context["form"].errors
    export = client.get(url, {"period": period, "export": "csv"})
    assert export.status_code == 400
    assert Period.objects.count() == before


def test_trend_report_with_year_zero_is_a_form_error(client, admin_user):
    client.force_login(admin_user)
    url = reverse("reports:report", args=["monthly-trend"])
    page = client.get(url, {"period_from": "0000-01", "period_to": "0000-12"})
    assert page.status_code == 200
    assert page.context["form"].errors


@pytest.mark.parametrize("page_number", ["²", "١", "99999999999999999999"])
def test_report_page_number_with_odd_digits_is_page_one_or_last(client, admin_user, page_number):
    client.force_login(admin_user)
    response = client.get(reverse("reports:report", args=["employees"]), {"page": page_number})
    assert response.status_code == 200


def test_report_statement_of_year_zero_is_a_404(client, admin_user):
    client.force_login(admin_user)
    employee = EmployeeFactory()
    response = client.get(f"/reports/statement/{employee.pk}/0000-01.pdf")
    assert response.status_code == 404


def test_portal_home_reads_the_month_without_creating_it(employee_client):
    before = Period.objects.count()
    assert employee_client.get(reverse("portal:employee_home")).status_code == 200
    assert Period.objects.count() == before


def test_a_purchase_today_is_still_accepted(employee_client, shop):
    when = (timezone.now() - dt.timedelta(minutes=5)).astimezone(WIB)
    response = employee_client.post(
        reverse("portal:purchase_new"), _purchase_form(shop, when.strftime("%Y-%m-%dT%H:%M"))
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Purchase.objects.count() == 1


SWEEP_VALUES = ["²", "0000-01", "2026-10\n", "0001-01-01", "99999999999999999999999999", "-1"]


def test_every_report_filter_survives_malformed_values(client, admin_user):
    """Each field of each report's filter form, on the page and in both exports."""
    from ebakul.reports.definitions import REPORTS

    client.force_login(admin_user)
    failures = []
    for report in REPORTS:
        url = reverse("reports:report", args=[report.slug])
        for name in list(report.form_class.base_fields) + ["page", "export"]:
            for value in SWEEP_VALUES:
                for export in ("", "csv", "xlsx"):
                    params = {name: value, **({"export": export} if export else {})}
                    try:
                        status = client.get(url, params).status_code
                    except Exception as exc:  # noqa: BLE001 - collected and reported below
                        status = f"{type(exc).__name__}: {exc}"
                    if not isinstance(status, int) or status >= 500:
                        failures.append((report.slug, name, value, export, status))
    assert not failures, "\n".join(map(repr, failures))


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("portal:purchase_list", ("page", "status")),
        ("portal:merchant_pick", ("q", "kecamatan", "category")),
        ("portal:notifications", ("page",)),
        ("portal:purchase_new", ("merchant",)),
    ],
)
def test_portal_pages_survive_malformed_values(employee_client, shop, url_name, params):
    for name in params:
        for value in SWEEP_VALUES:
            response = employee_client.get(reverse(url_name), {name: value})
            assert response.status_code < 500, (url_name, name, value)


def test_ids_beyond_the_integer_range_are_404s(client, admin_user, employee_client):
    huge = "9" * 30
    assert employee_client.get(f"/pegawai/belanja/{huge}/").status_code == 404
    assert employee_client.get(f"/nota/{huge}/").status_code == 404
    client.force_login(admin_user)
    assert client.get(f"/reports/statement/{huge}/2026-10.pdf").status_code == 404
