"""Account recovery without e-mail (issue 14, ADR 0161): the desk issues a one-time code after
checking the person (an OPD operator for their units' employees, the verification team for
merchants); the portal redeems it once with a new password; every step logged and notified."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ebakul.accounts import roles
from ebakul.accounts.models import RecoveryCode
from ebakul.accounts.recovery import (
    MAX_WRONG_TRIES,
    MSG_CODE_INVALID,
    recovery_code_issue,
    recovery_code_redeem,
    recovery_targets,
)
from ebakul.core.errors import DomainError, PermissionDeniedError
from ebakul.core.models import Notification
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW = "Sandi-Baru-2026!"


@pytest.fixture
def dinkes_employee(ref):
    from ebakul.employees.models import WorkUnit

    user = UserFactory(username="199001012020011001", role=roles.EMPLOYEE)
    EmployeeFactory(user=user, work_unit=WorkUnit.objects.get(code="DINKES"))
    return user


def _redeem(client, username, code, password=NEW):
    return client.post(
        reverse("portal:password_reset_code"),
        {
            "username": username,
            "code": code,
            "new_password": password,
            "new_password_again": password,
        },
    )


def test_operator_issues_a_code_and_it_works_once(
    client, operator_user, dinkes_employee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row, code = recovery_code_issue(
            actor=operator_user, user=dinkes_employee, verified_with="KTP dilihat langsung"
        )
    assert len(code) == 8 and code.isdigit()
    assert code not in row.code_hash  # only the hash is stored
    assert row.expires_at - row.created_at == dt.timedelta(minutes=15)
    assert Notification.objects.filter(user=dinkes_employee, kind="account_reset").count() == 1
    assert LogEntry.objects.filter(object_id=str(dinkes_employee.pk)).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = _redeem(client, dinkes_employee.username, code)
    assert response["Location"] == reverse("portal:login")
    dinkes_employee.refresh_from_db()
    assert dinkes_employee.check_password(NEW)
    assert not dinkes_employee.must_change_password
    row.refresh_from_db()
    assert row.used_at is not None
    assert Notification.objects.filter(user=dinkes_employee, kind="account_reset").count() == 2

    # The second use is refused, and the password stays the one chosen.
    again = _redeem(client, dinkes_employee.username, code, password="Lain-Lagi-2026!")
    assert again.status_code == 200
    assert again.context["form"].errors["code"] == [str(MSG_CODE_INVALID)]
    dinkes_employee.refresh_from_db()
    assert dinkes_employee.check_password(NEW)


def test_operator_cannot_reset_another_units_employee_or_themselves(operator_user, ref):
    other = UserFactory(username="pegawai-bpkad", role=roles.EMPLOYEE)
    EmployeeFactory(user=other)  # BPKAD
    with pytest.raises(PermissionDeniedError):
        recovery_code_issue(actor=operator_user, user=other, verified_with="KTP")
    with pytest.raises(PermissionDeniedError):
        recovery_code_issue(actor=operator_user, user=operator_user, verified_with="KTP")
    assert not RecoveryCode.objects.exists()


def test_verification_team_resets_merchants_only(verifier, merchant_user, dinkes_employee):
    assert set(recovery_targets(verifier)) == {merchant_user}
    row, code = recovery_code_issue(actor=verifier, user=merchant_user, verified_with="KTP + NIB")
    with pytest.raises(PermissionDeniedError):
        recovery_code_issue(actor=verifier, user=dinkes_employee, verified_with="KTP")
    user = recovery_code_redeem(
        username="PENJUAL1", code=code, new_password=NEW, new_password_again=NEW
    )
    assert user == merchant_user


def test_a_check_of_the_person_is_required(operator_user, dinkes_employee):
    with pytest.raises(DomainError) as refused:
        recovery_code_issue(actor=operator_user, user=dinkes_employee, verified_with="  ")
    assert refused.value.field == "verified_with"


def test_expired_code_is_refused(operator_user, dinkes_employee):
    row, code = recovery_code_issue(actor=operator_user, user=dinkes_employee, verified_with="KTP")
    RecoveryCode.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(DomainError):
        recovery_code_redeem(
            username=dinkes_employee.username, code=code, new_password=NEW, new_password_again=NEW
        )


def test_too_many_wrong_tries_revoke_the_code(client, operator_user, dinkes_employee):
    row, code = recovery_code_issue(actor=operator_user, user=dinkes_employee, verified_with="KTP")
    wrong = "00000000" if code != "00000000" else "11111111"
    for _ in range(MAX_WRONG_TRIES):
        assert _redeem(client, dinkes_employee.username, wrong).status_code == 200
    row.refresh_from_db()
    assert row.revoked_at is not None and row.failed_attempts == MAX_WRONG_TRIES
    _redeem(client, dinkes_employee.username, code)
    dinkes_employee.refresh_from_db()
    assert not dinkes_employee.check_password(NEW)


def test_a_new_code_revokes_the_older_one(operator_user, dinkes_employee):
    first, first_code = recovery_code_issue(
        actor=operator_user, user=dinkes_employee, verified_with="KTP"
    )
    recovery_code_issue(actor=operator_user, user=dinkes_employee, verified_with="KTP")
    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(DomainError):
        recovery_code_redeem(
            username=dinkes_employee.username,
            code=first_code,
            new_password=NEW,
            new_password_again=NEW,
        )


def test_weak_password_keeps_the_code(operator_user, dinkes_employee):
    from django.core.exceptions import ValidationError

    row, code = recovery_code_issue(actor=operator_user, user=dinkes_employee, verified_with="KTP")
    with pytest.raises(ValidationError):
        recovery_code_redeem(
            username=dinkes_employee.username,
            code=code,
            new_password="12345678",
            new_password_again="12345678",
        )
    row.refresh_from_db()
    assert row.used_at is None and row.failed_attempts == 0


def test_operator_issues_through_the_desk_and_sees_the_code_once(
    client, operator_user, dinkes_employee, ref
):
    other = UserFactory(username="pegawai-bpkad", role=roles.EMPLOYEE)
    EmployeeFactory(user=other)
    client.force_login(operator_user)
    url = reverse("admin:accounts_recoverycode_add")
    page = client.get(url)
    assert page.status_code == 200
    choices = page.context["adminform"].form.fields["user"].queryset
    assert list(choices) == [dinkes_employee]
    # A forged choice outside the operator's units is refused by the form.
    forged = client.post(url, {"user": other.pk, "verified_with": "KTP"})
    assert forged.status_code == 200 and not RecoveryCode.objects.exists()

    response = client.post(url, {"user": dinkes_employee.pk, "verified_with": "KTP dilihat"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = response.context["code"]
    assert code and code in response.content.decode()
    row = RecoveryCode.objects.get()
    assert row.issued_by == operator_user and row.user == dinkes_employee
    # The list never shows the code again.
    listing = client.get(reverse("admin:accounts_recoverycode_changelist")).content.decode()
    assert code not in listing
