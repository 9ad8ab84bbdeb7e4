"""Which purchase dates can be recorded at all: not before the programme started, not in the
future, and not in a period another app has closed (checks registered in
``settings.EBAKUL["PURCHASE_DATE_CHECKS"]``, so this app imports no app above it: compliance
registers its locked-period check there, see docs/adr/0097-purchase-dates.md)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from ebakul.core.periods import WIB, period_of, today_wib
from ebakul.core.validators import MSG_NOT_IN_FUTURE

MSG_BEFORE_PROGRAMME = _("The purchase date cannot be before the programme started (%(date)s).")
DEFAULT_PROGRAMME_START = "2025-01-01"


def programme_start() -> dt.date:
    value = settings.EBAKUL.get("PROGRAMME_START", DEFAULT_PROGRAMME_START)
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def validate_purchase_date(value: dt.datetime) -> None:
    """Refuse a purchase time before the programme's start or in the future (a field validator:
    forms use it as is). The year is compared before any time zone conversion: converting a
    datetime in year 1 (or 9999) overflows."""
    start = programme_start()
    today = today_wib()
    if value.year < start.year or (
        value.year <= today.year + 1 and value.astimezone(WIB).date() < start
    ):
        raise ValidationError(
            MSG_BEFORE_PROGRAMME,
            code="before_programme",
            params={"date": date_format(start, "j F Y")},
        )
    if value.year > today.year + 1 or value.astimezone(WIB).date() > today:
        raise ValidationError(MSG_NOT_IN_FUTURE, code="in_future")


def check_purchase_date(value: dt.datetime) -> str:
    """Everything a draft's date must satisfy; returns its period. Registered checks are called
    as ``check(period=...)`` and raise a ``DomainError``/``ValidationError`` to refuse."""
    try:
        validate_purchase_date(value)
    except ValidationError as exc:
        raise ValidationError({"purchased_at": exc.error_list}) from exc
    period = period_of(value)
    check_purchase_date_period(period)
    return period


def check_purchase_date_period(period: str) -> None:
    """Only the registered period checks (a draft being corrected must not sit in a locked
    period either, whatever its new date)."""
    for path in settings.EBAKUL.get("PURCHASE_DATE_CHECKS", ()):
        import_string(path)(period=period)
