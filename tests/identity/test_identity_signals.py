"""self_purchase_nik, self_purchase_household, merchant_registered_by_buyer: one positive and
one negative case each, through the registered detectors (what the scorer runs)."""

import pytest

from ebakul.core.identifiers import make_nik
from ebakul.integrity.detectors import run_purchase_detectors, signals
from tests.factories import EmployeeFactory, PurchaseFactory, UserFactory, verified_merchant

pytestmark = pytest.mark.django_db

KK = "3522010101200003"
OTHER_KK = "3522010101200099"


def codes(purchase):
    return [f.code for f in run_purchase_detectors(purchase)]


def identity_findings(purchase):
    return [f for f in run_purchase_detectors(purchase) if f.code in CODES]


CODES = {"self_purchase_nik", "self_purchase_household", "merchant_registered_by_buyer"}


def test_signals_are_registered_with_weights():
    registered = signals()
    assert set(registered) >= CODES
    assert all(0 < registered[c].default_weight <= 100 for c in CODES)


def test_self_purchase_nik_positive_and_detail_shows_no_raw_nik(ref):
    nik = make_nik(9001)
    buyer = EmployeeFactory(nik=nik)
    merchant = verified_merchant(owner_nik=nik, business_name="Warung Sendiri")
    findings = identity_findings(PurchaseFactory(employee=buyer, merchant=merchant))
    assert [f.code for f in findings] == ["self_purchase_nik"]
    assert findings[0].related_merchant_id == merchant.pk
    assert nik not in findings[0].detail and buyer.nik_masked in findings[0].detail


def test_self_purchase_nik_negative(ref):
    buyer = EmployeeFactory(nik=make_nik(9002), kk_number=KK)
    merchant = verified_merchant(owner_nik=make_nik(9003), owner_kk=OTHER_KK)
    assert identity_findings(PurchaseFactory(employee=buyer, merchant=merchant)) == []


def test_employee_without_nik_never_matches_a_merchant(ref):
    """Empty numbers hash to "", which must not match another empty one."""
    buyer = EmployeeFactory()
    merchant = verified_merchant()
    merchant.owner_kk = ""
    assert buyer.nik_hash == "" and merchant.owner_kk_hash == ""
    assert identity_findings(PurchaseFactory(employee=buyer, merchant=merchant)) == []


def test_self_purchase_household_positive(ref):
    buyer = EmployeeFactory(nik=make_nik(9004), kk_number=KK)
    merchant = verified_merchant(owner_nik=make_nik(9005, female=True), owner_kk=KK)
    findings = identity_findings(PurchaseFactory(employee=buyer, merchant=merchant))
    assert [f.code for f in findings] == ["self_purchase_household"]
    assert KK not in findings[0].detail and "3522**********03" in findings[0].detail


def test_self_purchase_household_negative(ref):
    buyer = EmployeeFactory(nik=make_nik(9006), kk_number=KK)
    merchant = verified_merchant(owner_nik=make_nik(9007), owner_kk=OTHER_KK)
    assert "self_purchase_household" not in codes(
        PurchaseFactory(employee=buyer, merchant=merchant)
    )


def test_hash_follows_a_changed_number(ref):
    buyer = EmployeeFactory(kk_number=OTHER_KK)
    merchant = verified_merchant(owner_kk=KK)
    purchase = PurchaseFactory(employee=buyer, merchant=merchant)
    assert "self_purchase_household" not in codes(purchase)
    buyer.kk_number = KK
    buyer.save(update_fields=["kk_number"])
    purchase.employee.refresh_from_db()
    assert "self_purchase_household" in codes(purchase)


def test_merchant_registered_from_buyers_account(ref):
    account = UserFactory()
    buyer = EmployeeFactory(user=account)
    merchant = verified_merchant(user=account)
    assert "merchant_registered_by_buyer" in codes(
        PurchaseFactory(employee=buyer, merchant=merchant)
    )


def test_merchant_registered_with_buyers_email(ref):
    buyer = EmployeeFactory(user=UserFactory(email="Budi@Example.invalid"))
    merchant = verified_merchant(user=UserFactory(email="budi@example.invalid"))
    findings = [
        f
        for f in identity_findings(PurchaseFactory(employee=buyer, merchant=merchant))
        if f.code == "merchant_registered_by_buyer"
    ]
    assert len(findings) == 1 and "email" in findings[0].detail.lower()


def test_merchant_registered_with_phone_of_buyers_other_business(ref):
    account = UserFactory()
    buyer = EmployeeFactory(user=account)
    verified_merchant(user=account, phone="081234567890")
    merchant = verified_merchant(user=UserFactory(), phone="081234567890")
    assert "merchant_registered_by_buyer" in codes(
        PurchaseFactory(employee=buyer, merchant=merchant)
    )


def test_merchant_registered_by_someone_else_is_not_flagged(ref):
    buyer = EmployeeFactory(user=UserFactory(email="a@example.invalid"))
    verified_merchant(user=buyer.user, phone="081111111111")
    merchant = verified_merchant(user=UserFactory(email="b@example.invalid"), phone="082222222222")
    assert "merchant_registered_by_buyer" not in codes(
        PurchaseFactory(employee=buyer, merchant=merchant)
    )
