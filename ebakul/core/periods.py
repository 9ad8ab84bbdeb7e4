"""Periods are calendar months in Asia/Jakarta (WIB), written ``YYYY-MM``."""

import calendar
import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WIB = ZoneInfo("Asia/Jakarta")
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MSG_BAD_PERIOD = _("Period must be written YYYY-MM, for example 2026-10.")


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
    match = PERIOD_RE.match(period or "")
    if not match:
        raise ValidationError(MSG_BAD_PERIOD, code="invalid_period")
    return int(match.group(1)), int(match.group(2))


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
