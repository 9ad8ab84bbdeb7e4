"""Constraints that hold at the database level, not only in forms."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ebakul.core.periods import WIB
from ebakul.employees.models import Employee
from ebakul.purchases.models import Purchase
from tests.factories import EmployeeFactory, MerchantFactory, PurchaseFactory


def test_nip_is_unique(ref):
    first = EmployeeFactory()
    with pytest.raises(ValidationError) as exc:
        Employee(
            nip=first.nip,
            name="Kembar",
            employee_type="PNS",
            employee_class=first.employee_class,
            work_unit=first.work_unit,
        ).full_clean()
    assert "nip" in exc.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory(nip=first.nip)
    assert Employee.objects.filter(nip=first.nip).count() == 1


def test_nib_is_unique(ref):
    first = MerchantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MerchantFactory(nib=first.nib)


def test_purchase_amount_must_be_positive_in_the_database(ref):
    purchase = PurchaseFactory(amount=50_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Purchase.objects.filter(pk=purchase.pk).update(amount=0)
    purchase.refresh_from_db()
    assert purchase.amount == 50_000


def test_purchase_document_number_is_unique(ref):
    first = PurchaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchaseFactory(document_number=first.document_number)


@pytest.mark.parametrize(
    ("local", "period"),
    [
        (dt.datetime(2026, 10, 31, 23, 59, tzinfo=WIB), "2026-10"),
        (dt.datetime(2026, 11, 1, 0, 0, tzinfo=WIB), "2026-11"),
    ],
)
def test_purchase_period_is_the_wib_month(ref, local, period):
    purchase = PurchaseFactory(purchased_at=local)
    purchase.refresh_from_db()
    assert purchase.period == period
    assert Purchase.objects.filter(period=period, pk=purchase.pk).exists()
