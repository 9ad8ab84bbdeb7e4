"""Finding 11 of issue 10: drafts were accepted in locked periods and in 1900. The purchase
service refuses a date in a locked period, before the programme's start or in the future, and a
refused purchase changes nothing (no row, no document number, no period)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ebakul.accounts import roles
from ebakul.compliance.models import Period, PeriodStatus
from ebakul.compliance.selectors import default_calendar
from ebakul.core.errors import PeriodLockedError
from ebakul.core.models import DocumentSequence
from ebakul.core.periods import WIB, current_period, period_first_day, previous_period
from ebakul.purchases.models import Purchase
from ebakul.purchases.services import purchase_create, purchase_update
from tests.factories import EmployeeFactory, UserFactory, verified_merchant
from tests.testing.images import receipt_upload

pytestmark = pytest.mark.django_db

# The clock is set to the middle of a month, so "five minutes ago" is in the same month as now
# and last month is always a different one, whatever the real date.
NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _mid_month():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def employee_user(ref):
    user = UserFactory(username="pegawai-h4", role=roles.EMPLOYEE)
    EmployeeFactory(user=user)
    return user


@pytest.fixture
def shop(ref):
    return verified_merchant(
        business_name="Warung Bu Sri", since=timezone.now() - dt.timedelta(days=400)
    )


@pytest.fixture
def locked_month():
    """Last month, locked (its row written directly: the lock's own rules are not under test)."""
    period = previous_period(current_period())
    Period.objects.create(period=period, status=PeriodStatus.LOCKED, **default_calendar(period))
    return period


def _noon(period, day=10):
    return dt.datetime.combine(period_first_day(period).replace(day=day), dt.time(12), tzinfo=WIB)


def _create(employee_user, shop, purchased_at):
    return purchase_create(
        employee=employee_user.employee,
        merchant=shop,
        purchased_at=purchased_at,
        amount=50_000,
        receipt=receipt_upload(seed=3),
        actor=employee_user,
    )


def _nothing_written():
    return (Purchase.objects.count(), DocumentSequence.objects.count(), Period.objects.count())


def test_draft_in_a_locked_period_is_refused(employee_user, shop, locked_month):
    before = _nothing_written()
    with translation.override("id"), pytest.raises(PeriodLockedError) as exc:
        _create(employee_user, shop, _noon(locked_month))
    assert exc.value.field == "purchased_at"
    assert "terkunci" in str(exc.value.message)
    assert _nothing_written() == before


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(1900, 1, 1, 10, tzinfo=WIB),
        dt.datetime(1, 1, 1, tzinfo=WIB),
        dt.datetime(2024, 12, 31, 23, 59, tzinfo=WIB),
    ],
    ids=["1900", "year-1", "day-before-start"],
)
def test_draft_before_the_programme_start_is_refused(employee_user, shop, when, settings):
    settings.EBAKUL = {**settings.EBAKUL, "PROGRAMME_START": "2025-01-01"}
    before = _nothing_written()
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _create(employee_user, shop, when)
    assert "purchased_at" in exc.value.message_dict
    assert "sebelum program dimulai" in exc.value.message_dict["purchased_at"][0]
    assert _nothing_written() == before


def test_draft_in_the_far_future_is_refused_without_overflow(employee_user, shop):
    before = _nothing_written()
    with pytest.raises(ValidationError) as exc:
        _create(employee_user, shop, dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC))
    assert "purchased_at" in exc.value.message_dict
    assert _nothing_written() == before


def test_draft_cannot_be_moved_into_a_locked_period(employee_user, shop, locked_month):
    draft = _create(employee_user, shop, timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(PeriodLockedError):
        purchase_update(purchase=draft, actor=employee_user, purchased_at=_noon(locked_month))
    draft.refresh_from_db()
    assert draft.period == current_period()


def test_draft_left_in_a_period_that_got_locked_cannot_be_changed(employee_user, shop):
    period = current_period()
    draft = _create(employee_user, shop, timezone.now() - dt.timedelta(minutes=5))
    Period.objects.update_or_create(
        period=period, defaults={"status": PeriodStatus.LOCKED, **default_calendar(period)}
    )
    with pytest.raises(PeriodLockedError):
        purchase_update(purchase=draft, actor=employee_user, amount=60_000)
    draft.refresh_from_db()
    assert draft.amount == 50_000


def test_portal_shows_the_locked_period_refusal_on_the_date(
    client, employee_user, shop, locked_month
):
    client.force_login(employee_user)
    response = client.post(
        reverse("portal:purchase_new"),
        {
            "merchant": shop.pk,
            "purchased_at": _noon(locked_month).strftime("%Y-%m-%dT%H:%M"),
            "amount": "75.000",
            "description": "Nasi pecel",
            "payment_method": "cash",
            "qris_reference": "",
            "receipt": receipt_upload(seed=9),
        },
    )
    assert response.status_code == 200
    assert "terkunci" in " ".join(response.context["form"].errors["purchased_at"])
    assert not Purchase.objects.exists()


def test_an_open_period_still_takes_drafts(employee_user, shop, locked_month):
    purchase = _create(employee_user, shop, timezone.now() - dt.timedelta(minutes=5))
    assert purchase.status == "draft" and purchase.period == current_period()


@pytest.mark.parametrize("when", ["locked", "1900"])
def test_desk_refuses_the_same_drafts_on_the_date_field(
    client, admin_user, shop, locked_month, when
):
    from tests.desk.test_desk_writes import PURCHASE_ADD, form_errors, purchase_post, snapshot

    client.force_login(admin_user)
    employee = EmployeeFactory()
    at = _noon(locked_month) if when == "locked" else dt.datetime(1900, 1, 1, 10, tzinfo=WIB)
    before = snapshot()
    response = client.post(PURCHASE_ADD, purchase_post(employee, shop, when=at))
    errors = form_errors(response)
    expected = "terkunci" if when == "locked" else "sebelum program dimulai"
    assert expected in " ".join(errors.get("purchased_at", [])), errors
    assert snapshot() == before
