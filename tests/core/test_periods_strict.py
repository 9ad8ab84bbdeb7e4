"""The one period parser (issue 11 item 6): ``YYYY-MM``, ASCII digits, full match, sane year."""

import pytest
from django.core.exceptions import ValidationError

from ebakul.core import periods as p


@pytest.mark.parametrize(
    "bad",
    [
        "2026-10\n",  # ``$`` used to accept a trailing newline
        "\n2026-10",
        " 2026-10",
        "2026-10 ",
        "２０２６-10",  # full-width digits: ``\d`` matches them and int() reads them
        "٢٠٢٦-10",  # Arabic-Indic digits
        "2026-１0",
        "2026-1",
        "2026-13",
        "2026-00",
        "0000-01",  # year 0 overflows dates (a 500 before)
        "1900-01",
        "1999-12",
        "2101-01",
        "20261-01",
        "2026/10",
        "",
        None,
        202610,
    ],
)
def test_malformed_periods_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError) as exc:
        p.parse_period(bad)
    assert exc.value.messages and exc.value.messages[0]
    with pytest.raises(ValidationError):
        p.validate_period(bad)
    with pytest.raises(ValidationError):
        p.clean_period(bad)


@pytest.mark.parametrize("good", ["2000-01", "2026-10", "2026-12", "2100-12"])
def test_well_formed_periods_parse(good):
    assert p.clean_period(good) == good
    assert p.parse_period(good) == (int(good[:4]), int(good[5:]))


def test_year_out_of_range_says_which_years(settings):
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as exc:
        p.parse_period("0000-01")
    assert "2000" in exc.value.messages[0] and "2100" in exc.value.messages[0]


def test_period_label_is_a_month_name():
    from django.utils import translation

    with translation.override("id"):
        assert p.period_label("2026-11") == "November 2026"
        assert p.period_label("2026-08") == "Agustus 2026"
