"""Reads of the accounts app."""

from django.db.models import QuerySet
from django.db.models.functions import Lower

from . import roles
from .models import LoginLockout


def can_unlock_any(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or roles.is_admin(user)))


def unlockable_usernames(user) -> QuerySet | None:
    """Lower-cased usernames whose failed logins ``user`` may see and clear: every one for an
    administrator (None), the accounts of the employees of their units for an OPD operator, no
    one for anybody else."""
    from ebakul.employees.models import Employee
    from ebakul.employees.selectors import operator_unit_ids

    if can_unlock_any(user):
        return None
    if user and user.is_authenticated and roles.has_role(user, roles.UNIT_OPERATOR):
        return (
            Employee.objects.filter(work_unit_id__in=operator_unit_ids(user), user__isnull=False)
            .annotate(login=Lower("user__username"))
            .values("login")
        )
    return Employee.objects.none().values("nip")


def login_failures_visible_to(user) -> QuerySet[LoginLockout]:
    qs = LoginLockout.objects.all()
    usernames = unlockable_usernames(user)
    return qs if usernames is None else qs.filter(username__in=usernames)
