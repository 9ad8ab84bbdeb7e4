"""The population the desk benchmarks share (bench_reports, bench_workbench): employees over
every work unit and verified merchants with their verification spans, bulk-inserted. Imported
after ``django.setup()``; not a benchmark itself (``scripts/bench.sh`` runs ``bench_*.py``)."""

import datetime as dt
import random

from ebakul.core.identifiers import make_nib, make_nik, make_nip
from ebakul.core.periods import WIB
from ebakul.employees.models import Employee, EmployeeClass, WorkUnit
from ebakul.merchants.models import (
    Kecamatan,
    MerchantCategory,
    MerchantVerificationSpan,
    UmkmMerchant,
)


def make_employees(rnd: random.Random, n: int) -> list[int]:
    """``n`` active employees spread over every work unit; returns their ids."""
    units = list(WorkUnit.objects.all())
    classes = list(EmployeeClass.objects.filter(number__lte=15))
    Employee.objects.bulk_create(
        [
            Employee(
                nip=make_nip(i),
                name=f"Pegawai {i}",
                employee_type="PNS",
                employee_class=rnd.choice(classes),
                work_unit=units[i % len(units)],
                active=True,
            )
            for i in range(1, n + 1)
        ],
        batch_size=2000,
    )
    return list(Employee.objects.values_list("id", flat=True))


def make_merchants(rnd: random.Random, n: int, *, prefix: str) -> list[tuple[int, int]]:
    """``n`` merchants verified for 400 days (with their spans), numbered ``prefix``;
    returns [(id, category id)]."""
    kecamatan = list(Kecamatan.objects.all())
    categories = list(MerchantCategory.objects.all())
    year_ago = dt.datetime.now(tz=WIB) - dt.timedelta(days=400)
    UmkmMerchant.objects.bulk_create(
        [
            UmkmMerchant(
                document_number=f"{prefix}{i:05d}",
                business_name=f"Usaha {i}",
                owner_name=f"Pemilik {i}",
                owner_nik=make_nik(i),
                nib=make_nib(i),
                category=rnd.choice(categories),
                kecamatan=rnd.choice(kecamatan),
                village="Desa",
                address="Jl. Contoh",
                status="verified",
            )
            for i in range(1, n + 1)
        ],
        batch_size=2000,
    )
    merchants = list(UmkmMerchant.objects.values_list("id", "category_id"))
    MerchantVerificationSpan.objects.bulk_create(
        [MerchantVerificationSpan(merchant_id=m, verified_from=year_ago) for m, _c in merchants]
    )
    return merchants
