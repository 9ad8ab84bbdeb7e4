"""factory_boy factories. Reference data (kecamatan, classes, categories, units) comes from
the real loaders (see conftest ``ref``), not from factories."""

import datetime as dt
import itertools

import factory
from django.utils import timezone

from ebakul.accounts import roles
from ebakul.accounts.models import User
from ebakul.core.identifiers import make_nib, make_nik, make_nip
from ebakul.employees.models import Employee, EmployeeClass, WorkUnit
from ebakul.merchants.models import Kecamatan, MerchantCategory, MerchantStatus, UmkmMerchant
from ebakul.purchases.models import Purchase
from tests.testing.images import receipt_upload

_counter = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name=extracted))
            if extracted in roles.DESK_ROLES:
                self.is_staff = True
        if create:
            self.save()


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.LazyFunction(lambda: make_nip(100000 + next(_counter)))
    name = factory.Sequence(lambda n: f"Pegawai {n}")
    employee_type = "PNS"
    employee_class = factory.LazyFunction(lambda: EmployeeClass.objects.get(number=7))
    work_unit = factory.LazyFunction(lambda: WorkUnit.objects.get(code="BPKAD"))
    active = True


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UmkmMerchant

    document_number = factory.Sequence(lambda n: f"EBK-UMKM-T-{n:05d}")
    business_name = factory.Sequence(lambda n: f"Warung Bu Sri {n}")
    owner_name = factory.Sequence(lambda n: f"Sri {n}")
    owner_nik = factory.LazyFunction(lambda: make_nik(next(_counter)))
    nib = factory.LazyFunction(lambda: make_nib(next(_counter)))
    category = factory.LazyFunction(lambda: MerchantCategory.objects.get(code="makanan-minuman"))
    kecamatan = factory.LazyFunction(lambda: Kecamatan.objects.get(name="Bojonegoro"))
    village = "Kadipaten"
    address = "Jl. Panglima Sudirman 1"
    status = MerchantStatus.DRAFT


def verified_merchant(*, since: dt.datetime | None = None, **kwargs) -> UmkmMerchant:
    """A merchant verified since ``since`` (default: a year ago), with its verification span."""
    from ebakul.merchants.services import merchant_status_changed

    merchant = MerchantFactory(status=MerchantStatus.VERIFIED, **kwargs)
    merchant_status_changed(
        merchant=merchant,
        old=MerchantStatus.DRAFT,
        new=MerchantStatus.VERIFIED,
        at=since or timezone.now() - dt.timedelta(days=365),
    )
    return merchant


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purchase

    document_number = factory.Sequence(lambda n: f"EBK-PUR-T-{n:06d}")
    employee = factory.SubFactory(EmployeeFactory)
    merchant = factory.LazyFunction(verified_merchant)
    purchased_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    amount = 50_000
    category = factory.LazyAttribute(lambda o: o.merchant.category)
    receipt = factory.LazyFunction(lambda: receipt_upload(seed=next(_counter)))
    receipt_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    status = "submitted"


def enable_system_verification(*, audit_sample_percent: int = 0) -> None:
    """Let the system verify low-risk, merchant-confirmed purchases (the workflow's automatic
    ``auto_verify`` on; a risk policy in force with this audit sample)."""
    from ebakul.integrity.models import RiskPolicy
    from ebakul.workflow.models import WorkflowTransition

    WorkflowTransition.objects.filter(
        workflow__document_type="purchases.purchase", code="auto_verify"
    ).update(enabled=True)
    RiskPolicy.objects.create(
        effective_from=dt.date(2020, 1, 1), audit_sample_percent=audit_sample_percent
    )
