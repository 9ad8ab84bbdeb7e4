"""A small world for the rule-version and appeal-remedy tests (h6), built on the current month so
it holds on any date: employees made now exist at the month's end, purchases recorded now are
before its submission close, and its appeal window (next month) is still ahead."""

import datetime as dt

from rest_framework.test import APIClient

from ebakul.core.periods import WIB, current_period, period_first_day

CEILING = 5_000_000  # 10% = Rp500.000 required under the seeded rule


def period() -> str:
    return current_period()


def at(period: str, day: int = 1, hour: int = 9) -> dt.datetime:
    """A time inside ``period`` (the first day by default: never after "now" in this month)."""
    first = period_first_day(period)
    return dt.datetime(first.year, first.month, day, hour, 0, tzinfo=WIB)


def merchant():
    from tests.factories import verified_merchant

    return verified_merchant(since=dt.datetime(2020, 1, 1, tzinfo=WIB))


def employee(**kw):
    from tests.factories import EmployeeFactory

    return EmployeeFactory(tpp_ceiling=CEILING, **kw)


def buy(emp, amount: int, *, status: str = "verified", shop=None, when=None):
    from tests.factories import PurchaseFactory

    return PurchaseFactory(
        employee=emp,
        merchant=shop or merchant(),
        purchased_at=when or at(period()),
        amount=amount,
        status=status,
    )


def api_client():
    from ebakul.api.models import SCOPE_READ, SCOPE_WRITE
    from ebakul.api.services import api_key_create, integration_client_create

    client = integration_client_create(name="e-TPP BPKAD")
    issued = api_key_create(client=client, scopes=(SCOPE_READ, SCOPE_WRITE))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.raw}")
    return api


def export_rows(api, period: str) -> dict[str, dict]:
    """NIP → export row of a locked period (all pages)."""
    rows, url = {}, f"/api/v1/periods/{period}/deductions/?page_size=1000"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        rows.update({r["nip"]: r for r in page["results"]})
        url = page["next"]
    return rows


def computed_shortfall(employee_user, admin_user, *, second_status: str):
    """The employee of ``employee_user`` with Rp200.000 verified and a Rp300.000 purchase in
    ``second_status`` against Rp500.000 required, the period computed (short Rp300.000).
    Returns (appellant, period, shop, second purchase)."""
    from tests import clock

    p = period()
    appellant = employee_user.employee
    appellant.tpp_ceiling = CEILING
    appellant.save()
    shop = merchant()
    buy(appellant, 200_000, shop=shop)
    second = buy(appellant, 300_000, shop=shop, status=second_status)
    clock.compute_period(period=p, actor=admin_user)
    return appellant, p, shop, second
