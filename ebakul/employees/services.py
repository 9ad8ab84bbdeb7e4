from django.db import transaction

from ebakul.core.history import set_history_user

from .models import Employee


@transaction.atomic
def employee_create(*, actor=None, **fields) -> Employee:
    employee = Employee(**fields)
    employee.full_clean()
    set_history_user(employee, actor)
    employee.save()
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, actor=None, **fields) -> Employee:
    for name, value in fields.items():
        setattr(employee, name, value)
    employee.full_clean()
    set_history_user(employee, actor)
    employee.save()
    return employee


# --- Upsert (e-TPP sync through the API, and the desk import) ----------------------------------
# One set of rules for both: see docs/adr/0041-employee-upsert.md. ``employee_upsert_clean`` is
# the ONLY validation of an upsert row (docs/adr/0211): PUT /api/v1/employees/{nip}, the bulk
# upsert and the XLSX import hand it the raw row; the API serializers only describe the contract
# for the OpenAPI schema.

import re  # noqa: E402

from django.core.exceptions import ValidationError  # noqa: E402
from django.db import IntegrityError  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from ebakul.core.validators import validate_kk, validate_nik, validate_nip  # noqa: E402

from .models import EmployeeClass, EmployeeType, WorkUnit  # noqa: E402

MSG_UPSERT_REQUIRED = _("This field is required.")
MSG_UPSERT_TYPE = _("Employee type must be PNS or PPPK.")
MSG_UPSERT_INT = _("Must be a whole number.")
MSG_UPSERT_NOT_NEGATIVE = _("Must not be negative.")
MSG_UPSERT_BOOL = _("Must be true or false.")
MSG_UPSERT_UNKNOWN_CLASS = _("Unknown job class: %(value)s.")
MSG_UPSERT_UNKNOWN_UNIT = _("Unknown work unit code: %(value)s.")
MSG_UPSERT_INACTIVE_UNIT = _("Work unit %(value)s is inactive.")
MSG_UPSERT_NAME_LENGTH = _("Name must be at most 150 characters.")
MSG_UPSERT_SCALAR = _("Must be a single value, not a list or an object.")

UPSERT_FIELDS = (
    "nip",
    "name",
    "employee_type",
    "employee_class",
    "unit_code",
    "tpp_ceiling",
    "active",
    "nik",
    "kk_number",
)
_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+\Z")
_INTEGER = re.compile(r"-?[0-9]{1,18}\Z")  # ASCII only: int() also reads other scripts' digits
_TRUE = {"1", "true", "yes", "y", "ya", "aktif", "t"}
_FALSE = {"0", "false", "no", "n", "tidak", "nonaktif", "f"}


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _as_int(value):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    text = _as_text(value)
    if _THOUSANDS.match(text):  # "1.250.000" as written in Indonesian
        text = text.replace(".", "")
    elif text.endswith(".0"):
        text = text[:-2]
    if not _INTEGER.match(text):
        raise ValueError(text)
    return int(text)


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _as_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _clean_identity(data: dict, out: dict, errors: dict) -> None:
    """nip, name and employee_type; the NIP structure depends on the type (PNS or PPPK)."""
    nip = _as_text(data.get("nip"))
    name = _as_text(data.get("name"))
    employee_type = _as_text(data.get("employee_type")).upper()
    if not nip:
        errors["nip"] = [MSG_UPSERT_REQUIRED]
    if not name:
        errors["name"] = [MSG_UPSERT_REQUIRED]
    elif len(name) > 150:
        errors["name"] = [MSG_UPSERT_NAME_LENGTH]
    if not employee_type:
        errors["employee_type"] = [MSG_UPSERT_REQUIRED]
    elif employee_type not in EmployeeType.values:
        errors["employee_type"] = [MSG_UPSERT_TYPE]
    if nip and "nip" not in errors:
        known_type = employee_type if employee_type in EmployeeType.values else "PPPK"
        try:
            validate_nip(nip, employee_type=known_type)
        except ValidationError as exc:
            errors["nip"] = exc.messages
    out.update(nip=nip, name=name, employee_type=employee_type)


def _clean_class(data: dict, out: dict, errors: dict) -> None:
    raw_class = data.get("employee_class")
    if raw_class in (None, ""):
        errors["employee_class"] = [MSG_UPSERT_REQUIRED]
        return
    try:
        number = _as_int(raw_class)
    except (TypeError, ValueError):
        errors["employee_class"] = [MSG_UPSERT_INT]
        return
    employee_class = EmployeeClass.objects.filter(number=number).first()
    if employee_class is None:
        errors["employee_class"] = [MSG_UPSERT_UNKNOWN_CLASS % {"value": number}]
    out["employee_class"] = employee_class


def _clean_unit(data: dict, out: dict, errors: dict) -> None:
    unit_code = _as_text(data.get("unit_code"))
    if not unit_code:
        errors["unit_code"] = [MSG_UPSERT_REQUIRED]
        return
    unit = WorkUnit.objects.filter(code=unit_code).first()
    if unit is None:
        errors["unit_code"] = [MSG_UPSERT_UNKNOWN_UNIT % {"value": unit_code}]
    elif not unit.active:
        errors["unit_code"] = [MSG_UPSERT_INACTIVE_UNIT % {"value": unit_code}]
    out["work_unit"] = unit


def _clean_optional(data: dict, out: dict, errors: dict) -> None:
    """tpp_ceiling and active may be left out: a new employee then gets the defaults (the job
    class ceiling, active) and an existing one keeps its values."""
    if "tpp_ceiling" in data:
        raw_ceiling = data["tpp_ceiling"]
        if raw_ceiling in (None, ""):
            out["tpp_ceiling"] = None  # falls back to the job class default
        else:
            try:
                ceiling = _as_int(raw_ceiling)
            except (TypeError, ValueError):
                errors["tpp_ceiling"] = [MSG_UPSERT_INT]
            else:
                if ceiling < 0:
                    errors["tpp_ceiling"] = [MSG_UPSERT_NOT_NEGATIVE]
                out["tpp_ceiling"] = ceiling
    if data.get("active") not in (None, ""):
        try:
            out["active"] = _as_bool(data["active"])
        except (TypeError, ValueError):
            errors["active"] = [MSG_UPSERT_BOOL]


def _clean_personal(data: dict, out: dict, errors: dict) -> None:
    """nik and kk_number may be left out (kept as stored); empty or null clears them. A number
    read from a spreadsheet cell (an int, or a float like 3522011203900001.0) is accepted."""
    for name, validate in (("nik", validate_nik), ("kk_number", validate_kk)):
        if name not in data:
            continue
        text = _as_text(data[name])
        if text:
            try:
                validate(text)
            except ValidationError as exc:
                errors[name] = exc.messages
        out[name] = text


def _scalar_errors(data: dict, errors: dict) -> dict:
    """Every field is one value: a list or an object anywhere is refused, not stringified."""
    for name in UPSERT_FIELDS:
        if isinstance(data.get(name), list | dict | tuple | set):
            errors[name] = [MSG_UPSERT_SCALAR]
    return {k: v for k, v in data.items() if k not in errors}


def employee_upsert_clean(data: dict) -> dict:
    """Parse and check one upsert row. Raises ValidationError keyed by the contract's fields.

    The single validator of the upsert (docs/adr/0211): the API and the import call only this."""
    errors: dict[str, list] = {}
    out: dict = {}
    not_scalar: dict[str, list] = {}
    data = _scalar_errors(data, not_scalar)
    for clean in (_clean_identity, _clean_class, _clean_unit, _clean_optional, _clean_personal):
        clean(data, out, errors)
    errors.update(not_scalar)
    if errors:
        raise ValidationError(errors)
    return out


def _model_errors_to_contract(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {("unit_code" if k == "work_unit" else k): v for k, v in exc.message_dict.items()}
    return ValidationError(renamed)


def employee_upsert(*, data: dict, actor) -> tuple[Employee, bool]:
    """Create or update the employee with ``data["nip"]``. Returns (employee, created).

    Atomic: a refused row changes nothing. An unchanged row is not saved again (no history noise).
    """
    fields = employee_upsert_clean(data)
    nip = fields.pop("nip")
    for attempt in range(2):
        try:
            with transaction.atomic():
                employee = Employee.objects.select_for_update().filter(nip=nip).first()
                if employee is None:
                    try:
                        return employee_create(actor=actor, nip=nip, **fields), True
                    except ValidationError as exc:
                        raise _model_errors_to_contract(exc) from exc
                changed = {
                    k: v
                    for k, v in fields.items()
                    if getattr(
                        employee, k if k not in ("employee_class", "work_unit") else f"{k}_id"
                    )
                    != (v.pk if k in ("employee_class", "work_unit") else v)
                }
                if changed:
                    try:
                        employee = employee_update(employee=employee, actor=actor, **changed)
                    except ValidationError as exc:
                        raise _model_errors_to_contract(exc) from exc
                return employee, False
        except IntegrityError:
            # Two writers created the same NIP at once: the second retries as an update.
            if attempt:
                raise
    raise AssertionError("unreachable")
