import datetime as dt

import pytest

from ebakul.core.periods import WIB, now_wib
from ebakul.employees.models import Employee, EmployeeClass

# The hand-computed cases live in the next January after the test clock's "now": always in the
# future (employees "exist" before it starts) and always 31 days long, whatever the date.
YEAR = now_wib().year + 1
PERIOD = f"{YEAR}-01"


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


class Ctx:
    """Builds the world of one hand-computed case."""

    def __init__(self):
        from tests.factories import verified_merchant

        self.merchant = verified_merchant(since=wib(YEAR - 1, 1, 1))
        self._n = 0

    def rule(self, **changes):
        from ebakul.compliance.models import SpendingRule

        rule = SpendingRule.objects.order_by("-effective_from").first()
        for k, v in changes.items():
            setattr(rule, k, v)
        rule.save()
        return rule

    def employee(self, *, class_number: int = 7, tpp_ceiling: int | None = 5_000_000, **kw):
        from tests.factories import EmployeeFactory

        return EmployeeFactory(
            employee_class=EmployeeClass.objects.get(number=class_number),
            tpp_ceiling=tpp_ceiling,
            **kw,
        )

    def buy(self, employee, amount, *, at=None, status="verified", merchant=None, created_at=None):
        from ebakul.purchases.models import Purchase
        from tests.factories import PurchaseFactory

        self._n += 1
        at = at or wib(YEAR, 1, 10, 12, 0)
        purchase = PurchaseFactory(
            employee=employee,
            merchant=merchant or self.merchant,
            purchased_at=at,
            amount=amount,
            status=status,
            receipt=f"receipts/test/{self._n}.jpg",
        )
        # Recorded when bought unless the case says otherwise.
        Purchase.objects.filter(pk=purchase.pk).update(created_at=created_at or at)
        return purchase

    def exempt(self, employee, start, end, *, approved=True):
        from ebakul.compliance.models import Exemption

        return Exemption.objects.create(
            employee=employee,
            start_date=start,
            end_date=end,
            reason="leave",
            status="approved" if approved else "pending",
        )

    def backdate(self, employee, when):
        """Make the employee's history start at ``when`` (for periods before the test clock)."""
        Employee.history.model.objects.filter(id=employee.pk).update(history_date=when)
        Employee.objects.filter(pk=employee.pk).update(created_at=when)

    def history(self, employee, changes: list[tuple[dt.datetime, dict]]):
        """Apply successive changes to the employee, each recorded in its history at a date."""
        hist = Employee.history.model
        for when, fields in changes:
            for k, v in fields.items():
                setattr(employee, k, v)
            employee.save()
            latest = hist.objects.filter(id=employee.pk).order_by("-history_id").first()
            hist.objects.filter(pk=latest.pk).update(history_date=when)


@pytest.fixture
def ctx(ref):
    return Ctx()
