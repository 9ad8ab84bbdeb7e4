"""Users and roles in the desk."""

from django.contrib.auth.models import Group
from django.urls import reverse

from ebakul.accounts import roles
from ebakul.accounts.models import User
from tests.factories import UserFactory


def _user_post(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(overrides)
    return data


def test_giving_a_desk_role_opens_the_desk_and_removing_it_closes_it(admin_client, ref):
    user = UserFactory(username="calon-verifikator", role=roles.EMPLOYEE)
    assert not user.is_staff
    url = reverse("admin:accounts_user_change", args=[user.pk])
    verifier = Group.objects.get(name=roles.VERIFIER)
    response = admin_client.post(url, _user_post(user, groups=[verifier.pk]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff
    response = admin_client.post(url, _user_post(user, groups=[]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_staff


def test_admin_ebakul_cannot_make_a_superuser(admin_client, ref):
    user = UserFactory(username="biasa", role=roles.VERIFIER)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin_client.post(url, _user_post(user, is_superuser="on"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_superuser


def test_admin_ebakul_cannot_change_a_superuser(admin_client, ref):
    root = User.objects.create_superuser("root", "root@example.invalid", "rahasia-123")
    url = reverse("admin:accounts_user_change", args=[root.pk])
    response = admin_client.post(url, _user_post(root, is_active=""))
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_user_list_shows_roles(admin_client, ref):
    UserFactory(username="penjual-a", role=roles.MERCHANT)
    html = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert roles.MERCHANT in html
