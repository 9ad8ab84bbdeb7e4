"""Reads of the accounts app."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from . import roles
from .models import LoginLockout


def can_unlock_any(user) -> bool:
    return roles.is_admin(user)  # superusers included; anonymous never


# Filled by the employees app in its ``AppConfig.ready`` (accounts sits below employees and never
# imports it): user -> the lower-cased usernames of the accounts of the operator's units.
_operator_usernames: list[Callable] = []


def register_operator_usernames(func: Callable) -> None:
    _operator_usernames[:] = [func]


def unlockable_usernames(user) -> QuerySet | None:
    """Lower-cased usernames whose failed logins ``user`` may see and clear: every one for an
    administrator (None), the accounts of the employees of their units for an OPD operator, no
    one for anybody else."""
    if can_unlock_any(user):
        return None
    if user and user.is_authenticated and roles.has_role(user, roles.UNIT_OPERATOR):
        if not _operator_usernames:
            raise ImproperlyConfigured("The employees app registered no operator_usernames.")
        return _operator_usernames[0](user)
    return LoginLockout.objects.none().values("username")


def login_failures_visible_to(user) -> QuerySet[LoginLockout]:
    qs = LoginLockout.objects.all()
    usernames = unlockable_usernames(user)
    return qs if usernames is None else qs.filter(username__in=usernames)
