from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import PermissionDeniedError

from . import roles

MSG_USERNAME_TAKEN = _("This username is already taken. Choose another one.")

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
        # reset codes for merchants (ADR 0161)
        "view_recoverycode",
        "add_recoverycode",
    ],
    roles.UNIT_OPERATOR: [
        "view_loginlockout",
        # reset codes for their units' employees (ADR 0161)
        "view_recoverycode",
        "add_recoverycode",
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
    "marketplace",  # the search synonyms (ADR 0421)
    "workflow",
    "notifications",
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

    # Usernames are unique regardless of case ("Toko.Sari" and "toko.sari" are one person to
    # whoever reads them); the database only compares them exactly.
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": ValidationError(MSG_USERNAME_TAKEN, code="username_taken")}
        )
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


# --- Login lockout (django-axes) -----------------------------------------------------------

MSG_UNLOCK_NOT_ALLOWED = _("You may only unlock the logins of employees of your own work units.")
MSG_UNLOCK_ADDRESS_NOT_ALLOWED = _("Only an eBakul administrator may unlock an address.")


def _audit(*, actor, user, message: str) -> None:
    from django.contrib.admin.models import CHANGE, LogEntry

    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


@transaction.atomic
def login_unlock(*, actor, username: str) -> int:
    """Clear every failed login of one account (all addresses). An administrator may unlock any
    account, an OPD operator only those of the employees of their units. Audited in the desk's
    log (on the user) and on the ``ebakul.security`` logger. Returns the rows removed."""
    from axes.models import AccessAttempt

    from .lockout import normalise_username, security_log
    from .models import User
    from .selectors import unlockable_usernames

    key = normalise_username(username)
    allowed = unlockable_usernames(actor)
    if not key or (allowed is not None and not allowed.filter(login=key).exists()):
        raise PermissionDeniedError(MSG_UNLOCK_NOT_ALLOWED)
    removed, _detail = AccessAttempt.objects.filter(username=key).delete()
    for user in User.objects.filter(username__iexact=key):
        _audit(actor=actor, user=user, message=f"Login unlocked ({removed} failed-login rows)")
    security_log.info("login unlocked: username=%s by=%s rows=%s", key, actor.pk, removed)
    return removed


@transaction.atomic
def login_unlock_address(*, actor, ip_address: str) -> int:
    """Clear every failed login from one address (administrators only)."""
    from axes.models import AccessAttempt

    from .lockout import security_log
    from .selectors import can_unlock_any

    if not can_unlock_any(actor):
        raise PermissionDeniedError(MSG_UNLOCK_ADDRESS_NOT_ALLOWED)
    removed, _detail = AccessAttempt.objects.filter(ip_address=ip_address).delete()
    security_log.info("login address unlocked: ip=%s by=%s rows=%s", ip_address, actor.pk, removed)
    return removed
