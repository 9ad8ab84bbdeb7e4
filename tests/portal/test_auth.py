"""Login by NIP or username, lockout, forced password change, password reset, language."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from ebakul.accounts import lockout as security
from ebakul.accounts import roles
from ebakul.portal.forms import MSG_BAD_LOGIN
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"


@pytest.fixture
def nip_user(ref):
    employee = EmployeeFactory()
    user = UserFactory(username=employee.nip, role=roles.EMPLOYEE)
    employee.user = user
    employee.save()
    return user


def test_login_page_is_indonesian_with_labels(client, ref):
    html = client.get("/masuk/").content.decode()
    assert '<label for="id_username">NIP atau nama pengguna</label>' in html
    assert "Lupa kata sandi?" in html


def test_employee_logs_in_with_nip(client, nip_user):
    response = client.post("/masuk/", {"username": nip_user.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == reverse("portal:employee_home")


def test_merchant_logs_in_with_username(client, merchant_user):
    response = client.post("/masuk/", {"username": "penjual1", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] in (
        reverse("portal:merchant_home"),
        reverse("portal:merchant_business"),
    )


def test_wrong_password_gives_a_clear_message(client, merchant_user):
    response = client.post("/masuk/", {"username": "penjual1", "password": "salah"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    from django.utils import translation

    with translation.override("id"):
        assert str(MSG_BAD_LOGIN) in response.content.decode()


def test_lockout_after_repeated_failures(client, merchant_user):
    for _ in range(security.max_failures()):
        client.post("/masuk/", {"username": "penjual1", "password": "salah"})
    # Even the right password is refused while locked, with a clear message.
    response = client.post("/masuk/", {"username": "penjual1", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()


def test_lockout_is_per_username_and_ip(client, merchant_user, verifier):
    for _ in range(security.max_failures()):
        client.post("/masuk/", {"username": "penjual1", "password": "salah"})
    # Another account from the same address is not locked.
    response = client.post("/masuk/", {"username": verifier.username, "password": PASSWORD})
    assert response.status_code == 302
    # The same account from another address is not locked either.
    client.logout()
    response = client.post(
        "/masuk/", {"username": "penjual1", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302


def test_successful_login_resets_the_count(client, merchant_user):
    for _ in range(security.max_failures() - 1):
        client.post("/masuk/", {"username": "penjual1", "password": "salah"})
    assert client.post("/masuk/", {"username": "penjual1", "password": PASSWORD}).status_code == 302
    client.logout()
    client.post("/masuk/", {"username": "penjual1", "password": "salah"})
    assert client.post("/masuk/", {"username": "penjual1", "password": PASSWORD}).status_code == 302


def test_forced_password_change_at_first_login(client, employee_user):
    employee_user.must_change_password = True
    employee_user.save()
    client.force_login(employee_user)

    response = client.get(reverse("portal:employee_home"))
    assert response["Location"] == reverse("portal:password_change")
    assert client.get(reverse("portal:merchant_pick"))["Location"] == reverse(
        "portal:password_change"
    )

    response = client.post(
        reverse("portal:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "sandi-baru-yang-kuat-9",
            "new_password2": "sandi-baru-yang-kuat-9",
        },
    )
    assert response["Location"] == reverse("portal:password_change_done")
    employee_user.refresh_from_db()
    assert employee_user.must_change_password is False
    assert employee_user.check_password("sandi-baru-yang-kuat-9")
    assert client.get(reverse("portal:employee_home")).status_code == 200


def test_forced_change_refuses_a_weak_password_and_keeps_the_flag(client, employee_user):
    employee_user.must_change_password = True
    employee_user.save()
    client.force_login(employee_user)
    response = client.post(
        reverse("portal:password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    employee_user.refresh_from_db()
    assert employee_user.must_change_password is True
    assert employee_user.check_password(PASSWORD)


def test_password_reset_by_email(client, merchant_user):
    merchant_user.must_change_password = True
    merchant_user.save()
    response = client.post(reverse("portal:password_reset"), {"email": merchant_user.email})
    assert response["Location"] == reverse("portal:password_reset_done")
    [message] = mail.outbox
    assert "kata sandi" in message.subject
    link = re.search(r"https?://[^/]+(/lupa-sandi/\S+/)", message.body).group(1)

    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "sandi-baru-yang-kuat-9", "new_password2": "sandi-baru-yang-kuat-9"},
    )
    assert response["Location"] == reverse("portal:password_reset_complete")
    merchant_user.refresh_from_db()
    assert merchant_user.check_password("sandi-baru-yang-kuat-9")
    assert merchant_user.must_change_password is False


def test_language_switch_to_english(client, ref):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/masuk/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "NIP or username" in html


def test_logout(client, employee_user):
    client.force_login(employee_user)
    response = client.post(reverse("portal:logout"))
    assert response["Location"] == "/masuk/"
    assert "_auth_user_id" not in client.session


def test_landing_page(client, ref):
    html = client.get("/").content.decode()
    assert "Daftarkan usaha Anda" in html
    assert 'name="viewport"' in html
