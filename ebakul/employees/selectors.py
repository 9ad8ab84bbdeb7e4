from django.db.models import QuerySet
from django.db.models.functions import Lower

from ebakul.accounts import roles

from .models import Employee, WorkUnit


def operator_unit_ids(user) -> list[int]:
    cache = getattr(user, "_ebakul_unit_ids", None)
    if cache is None:
        cache = list(user.operated_units.values_list("work_unit_id", flat=True))
        user._ebakul_unit_ids = cache
    return cache


def scope_by_employee(
    qs: QuerySet, user, employee_field: str = "employee", otherwise=None
) -> QuerySet:
    """Row scoping of anything that belongs to an employee: admins and verifiers see all, an OPD
    operator their units, an employee only their own, anyone else nothing — or what
    ``otherwise(qs)`` keeps for them (a merchant's own sales). ``employee_field`` is the path to
    the employee ("" when ``qs`` is of employees)."""
    prefix = f"{employee_field}__" if employee_field else ""
    if not user or not user.is_authenticated:
        return qs.none()
    if roles.is_admin_or_verifier(user):
        return qs
    if roles.has_role(user, roles.UNIT_OPERATOR):
        return qs.filter(**{f"{prefix}work_unit_id__in": operator_unit_ids(user)})
    if roles.has_role(user, roles.EMPLOYEE):
        return qs.filter(**{f"{prefix}user": user})
    return otherwise(qs) if otherwise else qs.none()


def employees_visible_to(user) -> QuerySet[Employee]:
    """Row scoping for employees (see ``scope_by_employee``)."""
    return scope_by_employee(
        Employee.objects.select_related("employee_class", "work_unit"), user, employee_field=""
    )


def work_units_visible_to(user) -> QuerySet[WorkUnit]:
    qs = WorkUnit.objects.all()
    if not user or not user.is_authenticated:
        return qs.none()
    if roles.is_admin_or_verifier(user):
        return qs
    if roles.has_role(user, roles.UNIT_OPERATOR):
        return qs.filter(id__in=operator_unit_ids(user))
    return qs.none()


def operator_usernames(user) -> QuerySet:
    """Lower-cased usernames of the accounts of the employees of ``user``'s units (which failed
    logins an OPD operator may see and clear; registered with the accounts app)."""
    return (
        Employee.objects.filter(work_unit_id__in=operator_unit_ids(user), user__isnull=False)
        .annotate(login=Lower("user__username"))
        .values("login")
    )
