"""A small world for the report tests: two units, two classes, four merchants in two kecamatan,
purchases in this period and the previous one in every status, the month computed and locked by
the compliance app's own services. ``World.purchases`` keeps plain copies of what was created so
tests compute expected figures in Python, independently of the SQL under test."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from ebakul.core.periods import WIB, current_period, period_bounds, previous_period
from ebakul.employees.models import EmployeeClass, WorkUnit
from ebakul.merchants.models import Kecamatan, MerchantCategory
from tests.factories import EmployeeFactory, PurchaseFactory, UserFactory, verified_merchant


@dataclass
class World:
    period: str
    prev: str
    units: dict
    employees: list
    merchants: dict
    purchases: list = field(default_factory=list)  # dicts: employee, unit, merchant, ...


@pytest.fixture
def world(ref, admin_user):
    from tests import clock

    period = current_period()
    prev = previous_period(period)
    start, _end = period_bounds(period)
    prev_start, _ = period_bounds(prev)
    units = {code: WorkUnit.objects.get(code=code) for code in ("DINKES", "BPKAD")}
    c7, c9 = EmployeeClass.objects.get(number=7), EmployeeClass.objects.get(number=9)
    cats = {c.code: c for c in MerchantCategory.objects.all()}
    kec = {k.name: k for k in Kecamatan.objects.filter(name__in=["Bojonegoro", "Kapas"])}
    merchants = {
        "m1": verified_merchant(
            business_name="Warung Makan Bu Sri",
            category=cats["makanan-minuman"],
            kecamatan=kec["Bojonegoro"],
        ),
        "m2": verified_merchant(
            business_name="Jahit Pak Darto", category=cats["jasa"], kecamatan=kec["Kapas"]
        ),
        "m3": verified_merchant(
            business_name="Kopi Kapas", category=cats["makanan-minuman"], kecamatan=kec["Kapas"]
        ),
        "m4": verified_merchant(
            business_name="Batik Jonegoroan",
            category=cats["produk-ikm"],
            kecamatan=kec["Bojonegoro"],
        ),
    }
    employees = []
    for i, (unit, cls) in enumerate(
        [
            ("DINKES", c7),
            ("DINKES", c7),
            ("DINKES", c9),
            ("BPKAD", c7),
            ("BPKAD", c9),
            ("BPKAD", c9),
        ]
    ):
        employees.append(
            EmployeeFactory(name=f"Pegawai Uji {i}", work_unit=units[unit], employee_class=cls)
        )
    w = World(period=period, prev=prev, units=units, employees=employees, merchants=merchants)

    def buy(emp, merchant, amount, status, when):
        PurchaseFactory(
            employee=emp,
            merchant=merchant,
            amount=amount,
            status=status,
            purchased_at=when,
            category=merchant.category,
        )
        w.purchases.append(
            {
                "employee": emp.pk,
                "unit": emp.work_unit.code,
                "class": emp.employee_class.number,
                "merchant": merchant.pk,
                "category": merchant.category.name,
                "kecamatan": merchant.kecamatan.name,
                "amount": amount,
                "status": status,
                "period": period if when >= start else prev,
                "day": when.astimezone(WIB).date(),
            }
        )

    e = employees
    m = merchants
    late_day1 = start + dt.timedelta(hours=23, minutes=30)  # 23:30 WIB on the 1st
    early_day2 = start + dt.timedelta(days=1, minutes=30)  # 00:30 WIB on the 2nd
    # This period.
    buy(e[0], m["m1"], 250_000, "verified", late_day1)
    buy(e[0], m["m2"], 200_000, "verified", early_day2)
    buy(e[1], m["m1"], 100_000, "verified", early_day2)
    buy(e[1], m["m3"], 80_000, "submitted", early_day2)
    buy(e[2], m["m4"], 600_000, "verified", late_day1)
    buy(e[3], m["m1"], 400_000, "verified", early_day2)
    buy(e[3], m["m2"], 50_000, "merchant_confirmed", early_day2)
    buy(e[4], m["m3"], 120_000, "verified", early_day2)
    buy(e[4], m["m3"], 70_000, "rejected", early_day2)
    buy(e[5], m["m2"], 30_000, "draft", early_day2)
    # Previous period (verified ones only count in the month-on-month change).
    buy(e[0], m["m1"], 150_000, "verified", prev_start + dt.timedelta(days=3))
    buy(e[3], m["m2"], 90_000, "verified", prev_start + dt.timedelta(days=4))
    buy(e[4], m["m3"], 60_000, "verified", prev_start + dt.timedelta(days=5))
    buy(e[4], m["m1"], 45_000, "merchant_disputed", prev_start + dt.timedelta(days=5))

    clock.compute_period(period=period, actor=admin_user)
    clock.lock_period(period=period, actor=admin_user)
    return w


@pytest.fixture
def other_operator(ref):
    """An operator of BPKAD, to check the DINKES operator never sees BPKAD rows and back."""
    from ebakul.accounts import roles
    from ebakul.employees.models import UnitOperator

    user = UserFactory(username="operator-bpkad", role=roles.UNIT_OPERATOR)
    UnitOperator.objects.create(user=user, work_unit=WorkUnit.objects.get(code="BPKAD"))
    return user
