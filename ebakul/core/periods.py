"""Periods are calendar months in Asia/Jakarta (WIB), written ``YYYY-MM``."""

import calendar
import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WIB = ZoneInfo("Asia/Jakarta")
# ASCII digits only and to the very end: ``\d`` also matches other scripts' digits (which int()
# accepts) and ``$`` matches before a trailing newline. Use ``parse_period``/``clean_period``.
PERIOD_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])\Z")
# The same rule for OpenAPI and HTML ``pattern`` attributes (ECMAScript regex).
PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# Years a period may have: anything else is a typo or an attack (year 0 overflows dates).
PERIOD_MIN_YEAR = 2000
PERIOD_MAX_YEAR = 2100
MSG_BAD_PERIOD = _("Period must be written YYYY-MM, for example 2026-10.")
MSG_PERIOD_YEAR = _("The year of a period must be from %(min)d to %(max)d.")


def now_wib() -> dt.datetime:
    return timezone.now().astimezone(WIB)


def today_wib() -> dt.date:
    return now_wib().date()


def period_of(value: dt.datetime | dt.date) -> str:
    """The period of an aware datetime (taken in WIB) or of a date."""
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise ValueError("naive datetime: eBakul only handles aware datetimes")
        value = value.astimezone(WIB).date()
    return f"{value.year:04d}-{value.month:02d}"


def parse_period(period: str) -> tuple[int, int]:
    """(year, month) of a period written ``YYYY-MM`` with ASCII digits, nothing before or after
    (no whitespace, no trailing newline), month 01-12 and a year from ``PERIOD_MIN_YEAR`` to
    ``PERIOD_MAX_YEAR``. The one parser of periods: forms, the API, reports and the models use
    it (through ``clean_period``/``validate_period``). Raises ``ValidationError`` otherwise."""
    match = PERIOD_RE.match(period) if isinstance(period, str) else None
    if not match:
        raise ValidationError(MSG_BAD_PERIOD, code="invalid_period")
    year, month = int(match.group(1)), int(match.group(2))
    if not PERIOD_MIN_YEAR <= year <= PERIOD_MAX_YEAR:
        raise ValidationError(
            MSG_PERIOD_YEAR,
            code="period_year",
            params={"min": PERIOD_MIN_YEAR, "max": PERIOD_MAX_YEAR},
        )
    return year, month


def clean_period(period: str) -> str:
    """``period`` itself when it is a valid period (see ``parse_period``)."""
    year, month = parse_period(period)
    return f"{year:04d}-{month:02d}"


def validate_period(period: str) -> None:
    parse_period(period)


def period_first_day(period: str) -> dt.date:
    year, month = parse_period(period)
    return dt.date(year, month, 1)


def period_last_day(period: str) -> dt.date:
    year, month = parse_period(period)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_days(period: str) -> int:
    return period_last_day(period).day


def period_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the period as aware datetimes in WIB."""
    first = period_first_day(period)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=WIB)
    end = dt.datetime.combine(
        period_last_day(period) + dt.timedelta(days=1), dt.time.min, tzinfo=WIB
    )
    return start, end


def next_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def previous_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def current_period() -> str:
    return period_of(today_wib())


def period_label(period: str) -> str:
    """``2026-11`` → "November 2026" in the active language."""
    from django.utils.formats import date_format

    return date_format(period_first_day(period), "F Y")
