"""Finding 7: the login lockout counts per account and per client address with separate budgets,
reads the client address only from trusted proxies, and can be lifted by whoever owns the
account's unit. Each test is an attack (or a defence) played as HTTP requests."""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from ebakul.accounts import lockout, roles
from ebakul.accounts.services import login_unlock
from ebakul.core.errors import PermissionDeniedError
from ebakul.employees.models import WorkUnit
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"
LOCKED = "Terlalu banyak percobaan masuk yang gagal"
PROXY = "10.9.9.9"


def login(client, username, password, **extra):
    response = client.post("/masuk/", {"username": username, "password": password}, **extra)
    client.logout()
    return response


def employee_account(unit_code="BPKAD"):
    employee = EmployeeFactory(work_unit=WorkUnit.objects.get(code=unit_code))
    user = UserFactory(username=employee.nip, role=roles.EMPLOYEE)
    employee.user = user
    employee.save()
    return user


@pytest.fixture
def behind_proxy(settings):
    """One reverse proxy (nginx) at PROXY in front of the application."""
    settings.EBAKUL_TRUSTED_PROXY_COUNT = 1
    settings.EBAKUL_TRUSTED_PROXIES = [PROXY]


def test_one_address_spraying_many_usernames_is_locked(client, ref, merchant_user):
    # 40 usernames, one wrong password each, from one address: the address budget runs out.
    for i in range(40):
        response = login(client, f"1980010120100110{i:02d}", "Bojonegoro2026")
    assert LOCKED in response.content.decode()
    # From then on even a real account with its right password is refused from that address...
    response = login(client, "penjual1", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    # ...but not from another one.
    assert login(client, "penjual1", PASSWORD, REMOTE_ADDR="10.20.30.40").status_code == 302


def test_address_budget_is_separate_from_the_account_budget(client, ref, settings):
    budget = lockout.budgets()["address"]
    assert budget > lockout.max_failures()
    for i in range(budget - 1):
        response = login(client, f"orang-{i}", "salah")
        assert LOCKED not in response.content.decode()
    assert LOCKED in login(client, f"orang-{budget}", "salah").content.decode()


def test_account_budget_counts_over_all_addresses(client, merchant_user):
    # A guess spread over many addresses, fewer than the per-device budget from each.
    budget = lockout.budgets()["account"]
    per_address = lockout.max_failures() - 1
    sent = 0
    for address in range(budget):
        for _ in range(per_address):
            if sent == budget:
                break
            login(client, "penjual1", "salah", REMOTE_ADDR=f"10.1.{address}.1")
            sent += 1
    response = login(client, "penjual1", PASSWORD, REMOTE_ADDR="10.99.0.1")
    assert LOCKED in response.content.decode()


def test_usernames_are_compared_without_case(client, merchant_user):
    for i in range(lockout.max_failures()):
        login(client, "PENJUAL1" if i % 2 else "Penjual1 ", "salah")
    response = login(client, "penjual1", PASSWORD)
    assert LOCKED in response.content.decode()


def test_forged_forwarded_for_from_an_untrusted_client_is_ignored(client, merchant_user):
    # No proxy configured: every request carries a different forged X-Forwarded-For, all
    # failures still count against REMOTE_ADDR.
    for i in range(lockout.max_failures()):
        login(client, "penjual1", "salah", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    response = login(client, "penjual1", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert LOCKED in response.content.decode()


def test_forwarded_for_is_ignored_from_an_address_that_is_not_the_proxy(
    client, merchant_user, behind_proxy
):
    login(client, "penjual1", "salah", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.50"]


def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_saw(
    client, merchant_user, behind_proxy
):
    # nginx appends the address it saw; what the client wrote before it is not believed.
    login(
        client,
        "penjual1",
        "salah",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]


def test_an_attacker_behind_the_proxy_cannot_lock_a_nip_out(client, ref, behind_proxy):
    victim = employee_account()
    attacker = "203.0.113.66"
    # Many wrong passwords for the victim's NIP, each with a forged X-Forwarded-For naming
    # another address (among them the victim's own).
    for i in range(3 * lockout.max_failures()):
        login(
            client,
            victim.username,
            "tebakan",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, {attacker}",
        )
    # The attacker is locked on their own address...
    response = login(
        client, victim.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=attacker
    )
    assert LOCKED in response.content.decode()
    # ...while the victim, through the same proxy, still logs in.
    response = login(
        client, victim.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert response.status_code == 302


def test_lockouts_are_logged(client, merchant_user, caplog):
    with caplog.at_level(logging.WARNING, logger="ebakul.security"):
        for _ in range(lockout.max_failures()):
            login(client, "penjual1", "salah")
    [record] = [r for r in caplog.records if r.name == "ebakul.security"]
    assert "penjual1" in record.getMessage()
    assert "account_device" in record.getMessage()


def nurse_attempt(user):
    return AccessAttempt.objects.filter(username=user.username).first()


def _lock(client, username):
    for _ in range(lockout.max_failures()):
        login(client, username, "salah")
    assert LOCKED in login(client, username, PASSWORD).content.decode()


def test_operator_unlocks_an_employee_of_their_unit_in_the_desk(client, operator_user):
    nurse = employee_account("DINKES")
    _lock(client, nurse.username)

    client.force_login(operator_user)
    changelist = reverse("admin:accounts_loginlockout_changelist")
    html = client.get(changelist).content.decode()
    assert nurse.username in html
    # In Indonesian, like the rest of the desk.
    assert "Buka kunci masuk akun yang dipilih" in html
    assert "Alamat IP" in html and "halaman masuk" in html.lower()
    change = reverse("admin:accounts_loginlockout_change", args=[nurse_attempt(nurse).pk])
    assert "Attempted Access" not in client.get(change).content.decode()
    ids = list(AccessAttempt.objects.filter(username=nurse.username).values_list("pk", flat=True))
    response = client.post(
        changelist, {"action": "unlock_accounts", "_selected_action": ids}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username=nurse.username).exists()
    client.logout()
    assert login(client, nurse.username, PASSWORD).status_code == 302
    # Audited on the user, by the operator.
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(user=operator_user, object_id=str(nurse.pk)).exists()


def test_operator_cannot_see_or_unlock_employees_of_other_units(client, operator_user):
    clerk = employee_account("BPKAD")  # the operator runs DINKES only
    _lock(client, clerk.username)

    client.force_login(operator_user)
    changelist = reverse("admin:accounts_loginlockout_changelist")
    assert clerk.username not in client.get(changelist).content.decode()
    ids = list(AccessAttempt.objects.filter(username=clerk.username).values_list("pk", flat=True))
    client.post(changelist, {"action": "unlock_accounts", "_selected_action": ids})
    assert AccessAttempt.objects.filter(username=clerk.username).exists()
    # The service refuses as well, whatever interface calls it.
    with pytest.raises(PermissionDeniedError):
        login_unlock(actor=operator_user, username=clerk.username)
    assert AccessAttempt.objects.filter(username=clerk.username).exists()


def test_operator_cannot_unlock_an_address(client, operator_user):
    nurse = employee_account("DINKES")
    _lock(client, nurse.username)
    client.force_login(operator_user)
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    client.post(
        reverse("admin:accounts_loginlockout_changelist"),
        {"action": "unlock_addresses", "_selected_action": ids},
    )
    assert AccessAttempt.objects.filter(username=nurse.username).exists()


def test_administrator_unlocks_any_account_and_an_address(client, admin_user, merchant_user):
    _lock(client, "penjual1")
    assert login_unlock(actor=admin_user, username="PENJUAL1") >= 1
    assert login(client, "penjual1", PASSWORD).status_code == 302

    for i in range(lockout.budgets()["address"]):
        login(client, f"orang-{i}", "salah", REMOTE_ADDR="192.0.2.9")
    assert LOCKED in login(client, "penjual1", PASSWORD, REMOTE_ADDR="192.0.2.9").content.decode()
    client.force_login(admin_user)
    ids = list(AccessAttempt.objects.filter(ip_address="192.0.2.9").values_list("pk", flat=True))
    client.post(
        reverse("admin:accounts_loginlockout_changelist"),
        {"action": "unlock_addresses", "_selected_action": ids[:1]},
    )
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.9").exists()
    client.logout()
    assert login(client, "penjual1", PASSWORD, REMOTE_ADDR="192.0.2.9").status_code == 302


def test_verifier_and_employee_have_no_unlock_page(client, verifier, employee_user):
    for user in (verifier, employee_user):
        client.force_login(user)
        response = client.get(reverse("admin:accounts_loginlockout_changelist"))
        assert response.status_code in (302, 403)
        client.logout()
