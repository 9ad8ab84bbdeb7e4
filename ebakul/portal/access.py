"""Who may use which part of the portal (by role), and the adapters to other apps' interfaces."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.periods import current_period

MSG_NOT_EMPLOYEE = _("This page is for employees (ASN/PPPK) with an employee record.")
MSG_NOT_MERCHANT = _("This page is for business owners (Pelaku Usaha).")


def employee_of(user):
    if not roles.has_role(user, roles.EMPLOYEE):
        return None
    try:
        return user.employee
    except ObjectDoesNotExist:
        return None


def employee_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        employee = employee_of(request.user)
        if employee is None:
            raise PermissionDenied(MSG_NOT_EMPLOYEE)
        request.employee = employee
        return view(request, *args, **kwargs)

    return wrapper


def merchant_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.has_role(request.user, roles.MERCHANT):
            raise PermissionDenied(MSG_NOT_MERCHANT)
        return view(request, *args, **kwargs)

    return wrapper


def employee_progress(employee, period: str | None = None) -> dict:
    """This month's progress from the compliance app (``employee_progress``)."""
    from ebakul.compliance import selectors as cs

    return cs.employee_progress(employee=employee, period=period or current_period())


def apply_action(*, document, action: str, actor, comment: str = ""):
    from ebakul.workflow import services as wf

    return wf.apply_action(document=document, action=action, actor=actor, comment=comment)


def available_action_codes(*, document, user) -> set[str]:
    from ebakul.workflow import services as wf

    return {t.code for t in wf.available_actions(document=document, user=user)}
