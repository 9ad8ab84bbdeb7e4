from django.db.models import QuerySet

from ebakul.accounts import roles

from .models import Employee, WorkUnit


def operator_unit_ids(user) -> list[int]:
    cache = getattr(user, "_ebakul_unit_ids", None)
    if cache is None:
        cache = list(user.operated_units.values_list("work_unit_id", flat=True))
        user._ebakul_unit_ids = cache
    return cache


def employees_visible_to(user) -> QuerySet[Employee]:
    """Row scoping for employees: admins and verifiers see all, an OPD operator their units,
    an employee only themself, anyone else nothing."""
    qs = Employee.objects.select_related("employee_class", "work_unit")
    if not user or not user.is_authenticated:
        return qs.none()
    if (
        user.is_superuser
        or roles.has_role(user, roles.ADMIN)
        or roles.has_role(user, roles.VERIFIER)
    ):
        return qs
    if roles.has_role(user, roles.UNIT_OPERATOR):
        return qs.filter(work_unit_id__in=operator_unit_ids(user))
    if roles.has_role(user, roles.EMPLOYEE):
        return qs.filter(user=user)
    return qs.none()


def work_units_visible_to(user) -> QuerySet[WorkUnit]:
    qs = WorkUnit.objects.all()
    if not user or not user.is_authenticated:
        return qs.none()
    if (
        user.is_superuser
        or roles.has_role(user, roles.ADMIN)
        or roles.has_role(user, roles.VERIFIER)
    ):
        return qs
    if roles.has_role(user, roles.UNIT_OPERATOR):
        return qs.filter(id__in=operator_unit_ids(user))
    return qs.none()
