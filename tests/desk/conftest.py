import pytest


@pytest.fixture
def desk_admin(admin_user):
    """An Admin eBakul group member with is_staff (not a superuser)."""
    assert admin_user.is_staff and not admin_user.is_superuser
    return admin_user


@pytest.fixture
def admin_client(client, desk_admin):
    client.force_login(desk_admin)
    return client
