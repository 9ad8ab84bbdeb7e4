"""The desk's own login page locks out like the portal's: staff accounts are the most
powerful ones, so they get the same brute-force protection."""

from axes.models import AccessAttempt

from ebakul.accounts import lockout


def test_desk_login_locks_out_after_repeated_failures(client, admin_user):
    url = "/desk/login/?next=/desk/"
    for _ in range(lockout.max_failures()):
        response = client.post(url, {"username": admin_user.username, "password": "salah"})
        assert response.status_code == 200
    # Now even the right password is refused, with the lockout message, and no session.
    response = client.post(url, {"username": admin_user.username, "password": "rahasia-123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "dikunci" in html
    assert "_auth_user_id" not in client.session
    assert client.get("/desk/").status_code == 302


def test_desk_login_works_and_clears_earlier_failures(client, admin_user):
    url = "/desk/login/?next=/desk/"
    client.post(url, {"username": admin_user.username, "password": "salah"})
    response = client.post(url, {"username": admin_user.username, "password": "rahasia-123"})
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 200
    # The success cleared this account's failures from this address.
    assert not AccessAttempt.objects.filter(username=admin_user.username.casefold()).exists()
