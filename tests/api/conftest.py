import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ebakul.api.models import SCOPE_READ, SCOPE_WRITE
from ebakul.api.services import api_key_create, integration_client_create


@pytest.fixture
def etpp_client(ref):
    return integration_client_create(name="e-TPP BPKAD")


def _issue(client, scopes, **kwargs):
    return api_key_create(client=client, scopes=scopes, **kwargs)


@pytest.fixture
def issue_key(etpp_client):
    def make(scopes=(SCOPE_READ, SCOPE_WRITE), **kwargs):
        return _issue(etpp_client, scopes, **kwargs)

    return make


@pytest.fixture
def rw_key(issue_key):
    return issue_key()


@pytest.fixture
def read_key(issue_key):
    return issue_key((SCOPE_READ,))


@pytest.fixture
def write_key(issue_key):
    return issue_key((SCOPE_WRITE,))


@pytest.fixture
def expired_key(issue_key):
    issued = issue_key()
    issued.key.expires_at = timezone.now() - dt.timedelta(seconds=1)
    issued.key.save(update_fields=["expires_at"])
    return issued


def _api(raw):
    client = APIClient()
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def api(rw_key):
    """An HTTP client with a read+write key."""
    return _api(rw_key.raw)


@pytest.fixture
def api_with():
    return _api


# --- A computed and locked period, built through the compliance services ----------------------

UNIT_CODES = ("BPKAD", "DINKES", "BPKAD", "DISDIK", "BPKAD", "DINKES", "BPKAD", "DINKES")


@pytest.fixture
def period():
    from ebakul.core.periods import current_period

    # The current month: its submission close is ahead, so purchases recorded now count.
    return current_period()


def _period_noon(period, day=1):
    from ebakul.core.periods import WIB, period_first_day

    return dt.datetime.combine(period_first_day(period).replace(day=day), dt.time(12), tzinfo=WIB)


@pytest.fixture
def subject_employees(ref, period):
    """Eight employees in three units (one meets the minimum, one half of it), plus one who left
    the programme without a date and is not subject to the rule."""
    from ebakul.employees.models import WorkUnit
    from tests.factories import EmployeeFactory, PurchaseFactory, verified_merchant

    units = {u.code: u for u in WorkUnit.objects.filter(code__in=set(UNIT_CODES))}
    employees = [EmployeeFactory(work_unit=units[code]) for code in UNIT_CODES]
    EmployeeFactory(active=False, active_to=None)  # out of scope
    merchant = verified_merchant()
    at = _period_noon(period)
    PurchaseFactory(
        employee=employees[0],
        merchant=merchant,
        amount=2_000_000,
        status="verified",
        purchased_at=at,
    )
    PurchaseFactory(
        employee=employees[1], merchant=merchant, amount=150_000, status="verified", purchased_at=at
    )
    PurchaseFactory(
        employee=employees[2], merchant=merchant, amount=90_000, status="submitted", purchased_at=at
    )
    return employees


@pytest.fixture
def computed_period(subject_employees, period):
    from tests.clock import compute_period

    compute_period(period=period, actor=None)
    return period


@pytest.fixture
def locked_period(computed_period):
    from tests.clock import lock_period

    lock_period(period=computed_period, actor=None)
    return computed_period
