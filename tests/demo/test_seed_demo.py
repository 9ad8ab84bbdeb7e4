import datetime as dt
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Sum

from ebakul.accounts import roles
from ebakul.accounts.models import User
from ebakul.core.periods import current_period, previous_period
from ebakul.core.validators import validate_nip
from ebakul.demo import seeder as demo
from ebakul.employees.models import Employee, UnitOperator
from ebakul.merchants.models import MerchantStatus, UmkmMerchant
from ebakul.merchants.selectors import verified_at_q
from ebakul.purchases.models import Purchase
from tests.demo.conftest import SMALL, run_seed
from tests.factories import EmployeeFactory, MerchantFactory

LOGIN_LINE = re.compile(r"^  (\S.*?\S)  +(\S+)  ", re.M)


def printed_logins(output: str) -> dict[str, str]:
    return {role: username for role, username in LOGIN_LINE.findall(output)}


def expected_periods() -> list[str]:
    last = current_period()
    before = previous_period(last)
    return [previous_period(before), before, last]


def test_small_demo_has_the_expected_rows(seeded):
    assert demo.demo_employees().count() == 30
    assert demo.demo_merchants().count() == 10
    # 30 employees + 10 merchants + admin, admin.ebakul, verifikator, verifikator2, operator
    assert demo.demo_users().count() == 45
    purchases = demo.demo_purchases()
    assert set(purchases.values_list("period", flat=True).distinct()) <= set(expected_periods())
    older = purchases.filter(period=expected_periods()[0])
    assert older.count() > 30 * 3  # about 6 per employee per month
    statuses = dict(older.values_list("status").annotate(n=Count("id")))
    assert statuses["verified"] > 0.8 * older.count()
    assert set(purchases.values_list("status", flat=True)) >= {"verified", "rejected"}
    merchant_statuses = set(demo.demo_merchants().values_list("status", flat=True))
    assert merchant_statuses >= {"verified", "submitted", "draft", "rejected"}
    assert demo.demo_merchants().filter(is_modern_retail=True, status="rejected").exists()


def test_demo_rows_pass_the_models_own_validation(seeded):
    for employee in Employee.objects.select_related("user"):
        employee.full_clean()
        validate_nip(employee.nip, employee_type=employee.employee_type)
        assert employee.user.username == employee.nip
        assert employee.user.groups.filter(name=roles.EMPLOYEE).exists()
    for merchant in demo.demo_merchants():
        merchant.full_clean()
    for purchase in demo.demo_purchases()[:20]:
        purchase.full_clean()  # receipt image present and valid, amount within the limit


def test_purchases_are_at_merchants_verified_at_the_time(seeded):
    purchases = demo.demo_purchases()
    assert purchases.exists()
    assert not purchases.exclude(verified_at_q("merchant_id", "purchased_at")).exists()
    assert not purchases.filter(merchant__is_modern_retail=True).exists()
    for merchant in demo.demo_merchants().filter(status=MerchantStatus.VERIFIED):
        assert merchant.verification_spans.filter(verified_until__isnull=True).count() == 1


def test_receipts_and_document_numbers_are_unique(seeded):
    purchases = demo.demo_purchases()
    total = purchases.count()
    assert purchases.values("receipt_sha256").distinct().count() == total
    assert purchases.values("receipt").distinct().count() == total
    for number, period in purchases.values_list("document_number", "period"):
        assert re.fullmatch(rf"EBK-PUR-{period}-\d{{5}}", number)


def test_some_employees_fall_below_their_minimum_and_most_do_not(ref):
    run_seed(employees=120, merchants=20)
    period = expected_periods()[0]
    below = 0
    employees = demo.demo_employees().select_related("employee_class")
    spent = dict(
        Purchase.objects.filter(period=period, status="verified")
        .values_list("employee")
        .annotate(total=Sum("amount"))
    )
    for employee in employees:
        required = max(300_000, -(-employee.effective_tpp_ceiling * 10 // 100))
        below += spent.get(employee.pk, 0) < required
    assert 0 < below < 0.4 * employees.count()


def test_same_seed_gives_the_same_data_and_another_seed_does_not(ref):
    def snapshot():
        nips = list(demo.demo_employees().order_by("user_id").values_list("nip", flat=True))
        amounts = list(
            demo.demo_purchases()
            .order_by("employee__user_id", "purchased_at")
            .values_list("amount", "status")
        )
        nibs = list(demo.demo_merchants().order_by("user_id").values_list("nib", flat=True))
        return nips, amounts, nibs

    run_seed(seed=7, **SMALL)
    first = snapshot()
    run_seed(seed=7, reset=True, **SMALL)
    assert snapshot() == first
    run_seed(seed=8, reset=True, **SMALL)
    assert snapshot()[0] != first[0]


def test_every_printed_login_authenticates_with_its_role(seeded):
    logins = printed_logins(seeded)
    assert set(logins) >= {
        roles.ADMIN,
        roles.VERIFIER,
        roles.UNIT_OPERATOR,
        roles.EMPLOYEE,
        roles.MERCHANT,
        "Superuser",
    }
    for role, username in logins.items():
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        if role == "Superuser":
            assert user.is_superuser and user.is_staff
            continue
        assert user.groups.filter(name=role).exists(), (role, username)
        assert user.is_staff == (role in roles.DESK_ROLES)
    assert not User.objects.get(username=logins[roles.ADMIN]).is_superuser
    employee = Employee.objects.get(user__username=logins[roles.EMPLOYEE])
    assert employee.nip == logins[roles.EMPLOYEE]
    assert UmkmMerchant.objects.get(user__username=logins[roles.MERCHANT]).status == "verified"
    operator = User.objects.get(username=logins[roles.UNIT_OPERATOR])
    unit = UnitOperator.objects.get(user=operator).work_unit
    assert employee.work_unit == unit  # the operator sees the demo employee


def test_printed_desk_logins_open_the_desk_and_others_do_not(seeded, client):
    logins = printed_logins(seeded)
    for role, username in logins.items():
        client.logout()
        assert client.login(username=username, password=demo.DEMO_PASSWORD)
        response = client.get("/desk/")
        if role in (*roles.DESK_ROLES, "Superuser"):
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302, role


def test_logins_option_prints_the_same_logins(seeded):
    assert printed_logins(run_seed(logins=True)) == printed_logins(seeded)


def test_exists_option_exit_codes_and_silence(ref, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("seed_demo", exists=True)
    assert exc.value.code == 1
    run_seed(**SMALL)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        call_command("seed_demo", exists=True)
    assert exc.value.code == 0
    assert capsys.readouterr() == ("", "")


def test_running_twice_without_reset_does_not_duplicate(seeded):
    counts = (
        demo.demo_employees().count(),
        demo.demo_merchants().count(),
        demo.demo_purchases().count(),
        User.objects.count(),
    )
    output = run_seed(**SMALL)
    assert "already present" in output
    assert printed_logins(output) == printed_logins(seeded)
    assert (
        demo.demo_employees().count(),
        demo.demo_merchants().count(),
        demo.demo_purchases().count(),
        User.objects.count(),
    ) == counts


def test_reset_removes_demo_rows_and_keeps_the_others(ref):
    from django.core.files.storage import default_storage

    mine = EmployeeFactory()
    their_merchant = MerchantFactory()
    run_seed(seed=11, **SMALL)
    receipts = list(demo.demo_purchases().values_list("receipt", flat=True))
    assert receipts and all(default_storage.exists(name) for name in receipts)
    run_seed(seed=11, reset=True, employees=5, merchants=3)
    kept = set(demo.demo_purchases().values_list("receipt", flat=True))
    assert not any(default_storage.exists(name) for name in set(receipts) - kept)
    assert demo.demo_employees().count() == 5
    assert demo.demo_merchants().count() == 3
    assert Employee.objects.filter(pk=mine.pk).exists()
    assert UmkmMerchant.objects.filter(pk=their_merchant.pk).exists()
    assert Employee.objects.count() == 6
    # the deleted demo rows' history went with them; no "deleted" records were written
    assert Employee.history.filter(history_type="-").count() == 0
    assert Employee.history.exclude(id=mine.pk).count() == 5


def test_the_data_does_not_depend_on_the_time_of_day(ref):
    from django.utils import timezone

    def amounts():
        return sorted(
            demo.demo_purchases().values_list("employee__nip", "amount", "merchant__nib", "status")
        )

    now = timezone.now()
    earlier = max(
        demo.DemoContext(rng=None, seed=0, now=now, periods=[]).today_start,
        now - dt.timedelta(hours=5),
    )
    demo.seed_all(seed=3, log=lambda _m: None, now=earlier, **SMALL)
    first = amounts()
    demo.reset_all(log=lambda _m: None)
    demo.seed_all(seed=3, log=lambda _m: None, now=now, **SMALL)
    assert amounts() == first
    assert not demo.demo_purchases().filter(purchased_at__gt=now).exists()


def test_seeding_is_set_based_not_a_query_per_row(ref):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(employees: int) -> int:
        demo.reset_all(log=lambda _m: None)
        with CaptureQueriesContext(connection) as ctx:
            demo.seed_all(employees=employees, merchants=10, log=lambda _m: None)
        return len(ctx.captured_queries)

    small, large = queries(20), queries(80)
    # 60 more employees make ~1,000 more purchases; batches keep the difference small.
    assert demo.demo_purchases().count() > 1000
    assert large - small < 30, (small, large)


def test_printed_api_key_reads_the_etpp_interface(seeded, client):
    from ebakul.api.demo import DEMO_KEY

    assert f"e-TPP API key (demo only): {DEMO_KEY}" in seeded
    response = client.get("/api/v1/periods/", HTTP_AUTHORIZATION=f"Api-Key {DEMO_KEY}")
    assert response.status_code == 200
    assert {row["period"] for row in response.json()} >= set(expected_periods()[:2])
    assert client.get("/api/v1/periods/").status_code == 401
