from django.db import transaction

from .models import Employee


@transaction.atomic
def employee_create(*, actor=None, **fields) -> Employee:
    employee = Employee(**fields)
    employee.full_clean()
    employee._history_user = actor
    employee.save()
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, actor=None, **fields) -> Employee:
    for name, value in fields.items():
        setattr(employee, name, value)
    employee.full_clean()
    employee._history_user = actor
    employee.save()
    return employee
