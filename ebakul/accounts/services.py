from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import roles

# Model permissions each desk role gets. Row scoping is applied on top (see */selectors.py).
ROLE_PERMISSIONS = {
    roles.ADMIN: "__all_ebakul__",
    roles.VERIFIER: [
        "view_employee",
        "view_workunit",
        "view_employeeclass",
        "view_kecamatan",
        "view_merchantcategory",
        "view_umkmmerchant",
        "change_umkmmerchant",
        "view_purchase",
        "change_purchase",
        # appeals are decided by verifiers on the appeal page (ADR 0106)
        "view_appeal",
        "change_appeal",
        "view_exemption",
        "add_exemption",
    ],
    roles.UNIT_OPERATOR: [
        "view_employee",
        "view_workunit",
        "view_employeeclass",
        "view_kecamatan",
        "view_merchantcategory",
        "view_umkmmerchant",
        "view_purchase",
        "view_exemption",
        "add_exemption",
        "change_exemption",
    ],
    roles.EMPLOYEE: [],
    roles.MERCHANT: [],
}
EBAKUL_APPS = (
    "core",
    "accounts",
    "employees",
    "merchants",
    "purchases",
    "workflow",
    "compliance",
    "reports",
    "api",
    "django_celery_beat",
    "auth",  # groups (roles) are managed by Admin eBakul in the desk
)


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create the role groups and give them their permissions. Idempotent."""
    groups = {}
    for name in roles.ALL_ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        wanted = ROLE_PERMISSIONS[name]
        if wanted == "__all_ebakul__":
            perms = Permission.objects.filter(content_type__app_label__in=EBAKUL_APPS)
        else:
            perms = Permission.objects.filter(codename__in=wanted)
        group.permissions.add(*perms)
        groups[name] = group
    return groups


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    email: str = "",
    first_name: str = "",
    must_change_password: bool = False,
    **extra,
):
    from .models import User

    user = User(
        username=username,
        email=email,
        first_name=first_name,
        is_staff=role in roles.DESK_ROLES,
        must_change_password=must_change_password,
        **extra,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def user_sync_desk_access(*, user, actor=None):
    """``is_staff`` follows the roles: true exactly for superusers and desk-role members, so
    giving someone the Verifikator role in the desk lets them in and removing it locks them out."""
    wanted = user.is_superuser or user.groups.filter(name__in=roles.DESK_ROLES).exists()
    if user.is_staff != wanted:
        user.is_staff = wanted
        user.save(update_fields=["is_staff"])
    return user
