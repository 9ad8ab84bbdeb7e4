"""Who reaches the desk: the staff flag AND a desk role. Installed on the admin site by
``ebakul/accounts/admin.py`` (core, the bottom layer, knows no roles)."""

from . import roles


def desk_has_permission(request) -> bool:
    """Staff flag AND a desk role (or superuser): a stray ``is_staff`` on an employee or a
    merchant account never opens the desk."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or any(roles.has_role(user, r) for r in roles.DESK_ROLES)


def install_desk_permission(site) -> None:
    """Make ``site.has_permission`` the desk rule (called once from ``ebakul/accounts/admin.py``)."""
    site.has_permission = desk_has_permission
