import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ebakul.core import periods as p
from ebakul.core.money import format_rupiah


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1_250_000, "Rp1.250.000"),
        (0, "Rp0"),
        (999, "Rp999"),
        (1_000, "Rp1.000"),
        (12_956_594, "Rp12.956.594"),
        (-300_000, "-Rp300.000"),
        (None, "-"),
    ],
)
def test_format_rupiah(amount, text):
    assert format_rupiah(amount) == text


def test_period_is_taken_in_wib():
    wib = p.WIB
    assert p.period_of(dt.datetime(2026, 10, 31, 23, 59, tzinfo=wib)) == "2026-10"
    assert p.period_of(dt.datetime(2026, 11, 1, 0, 0, tzinfo=wib)) == "2026-11"
    # 2026-11-01 00:00 WIB is still 31 October in UTC.
    utc = dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC)
    assert p.period_of(utc) == "2026-11"
    assert p.period_of(utc - dt.timedelta(seconds=1)) == "2026-10"
    assert p.period_of(dt.date(2026, 12, 31)) == "2026-12"
    with pytest.raises(ValueError):
        p.period_of(dt.datetime(2026, 10, 31, 23, 59))  # naive


def test_period_bounds_and_neighbours():
    start, end = p.period_bounds("2028-02")
    assert start == dt.datetime(2028, 2, 1, tzinfo=p.WIB)
    assert end == dt.datetime(2028, 3, 1, tzinfo=p.WIB)
    assert p.period_days("2028-02") == 29  # leap year
    assert p.period_days("2026-02") == 28
    assert p.next_period("2026-12") == "2027-01"
    assert p.next_period("2026-11") == "2026-12"
    assert p.previous_period("2027-01") == "2026-12"
    assert p.period_last_day("2026-04") == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", "", "2026-10 "]
)
def test_bad_period(bad):
    with pytest.raises(ValidationError):
        p.validate_period(bad)
