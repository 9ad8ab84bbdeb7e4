import pytest

from ebakul.accounts import roles
from tests.factories import EmployeeFactory, MerchantFactory, PurchaseFactory, UserFactory


class World:
    """Everyone who might act on a document, and helpers to make documents they own."""

    def __init__(self, **users):
        self.__dict__.update(users)
        self.users = users

    def merchant(self, status="draft", **kwargs):
        kwargs.setdefault("user", self.merchant_owner)
        merchant = MerchantFactory(status=status, **kwargs)
        if status in ("verified",):
            from ebakul.merchants.services import merchant_status_changed

            merchant_status_changed(merchant=merchant, old="draft", new="verified")
        return merchant

    def purchase(self, status="submitted", **kwargs):
        kwargs.setdefault("employee", self.employee_owner.employee)
        kwargs.setdefault("merchant", self.shop)
        kwargs.setdefault("created_by", self.employee_owner)
        return PurchaseFactory(status=status, **kwargs)


@pytest.fixture
def world(ref, admin_user, verifier, employee_user, merchant_user, operator_user):
    other_employee = UserFactory(username="pegawai2", role=roles.EMPLOYEE)
    EmployeeFactory(user=other_employee)
    other_merchant = UserFactory(username="penjual2", role=roles.MERCHANT)
    w = World(
        admin=admin_user,
        verifier=verifier,
        operator=operator_user,
        employee_owner=employee_user,
        merchant_owner=merchant_user,
        other_employee=other_employee,
        other_merchant=other_merchant,
    )
    from tests.factories import verified_merchant

    w.shop = verified_merchant(user=merchant_user)
    w.other_shop = verified_merchant(user=other_merchant)
    return w
