import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from ebakul.accounts import roles
from tests.factories import EmployeeFactory, MerchantFactory, UserFactory, verified_merchant


@pytest.fixture(autouse=True)
def _clean_cache():
    # Login failure counters live in Redis and would leak between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def employee(employee_user):
    return employee_user.employee


@pytest.fixture
def other_employee(ref):
    user = UserFactory(username="pegawai2", role=roles.EMPLOYEE)
    return EmployeeFactory(user=user)


@pytest.fixture
def shop(merchant_user):
    """The logged-in merchant's verified business."""
    return verified_merchant(user=merchant_user, business_name="Warung Bu Sri")


@pytest.fixture
def other_merchant_user(ref):
    return UserFactory(username="penjual2", role=roles.MERCHANT)


@pytest.fixture
def other_shop(other_merchant_user):
    return verified_merchant(user=other_merchant_user, business_name="Batik Pak Joko")


@pytest.fixture
def draft_shop(ref):
    return MerchantFactory(business_name="Kedai Belum Diverifikasi")


@pytest.fixture
def employee_client(client, employee_user):
    client.force_login(employee_user)
    return client


@pytest.fixture
def merchant_client(client, merchant_user):
    client.force_login(merchant_user)
    return client


def an_hour_ago():
    return timezone.now() - dt.timedelta(hours=1)
