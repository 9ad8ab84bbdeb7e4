"""Display of report values on screen (exports keep raw values, except periods: a person reads
"November 2026", never ``2026-11``)."""

import datetime as dt

from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ebakul.core.money import format_rupiah
from ebakul.core.periods import PERIOD_RE, period_label


def number(value, decimals: int = 0) -> str:
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def display(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "money":
        return format_rupiah(value)
    if kind == "int":
        return number(value)
    if kind in ("pct", "pct_change"):
        text = number(value, 1) + "%"
        return ("+" + text) if kind == "pct_change" and value > 0 else text
    if kind == "decimal":
        return number(value, 1)
    if kind == "bool":
        return _("yes") if value else ""
    if kind == "period":
        return period_words(value)
    if kind == "datetime" and isinstance(value, dt.datetime):
        return formats.date_format(localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def period_words(value) -> str:
    """``2026-11`` -> "November 2026" (issue 13); anything else as it is."""
    text = str(value)
    return period_label(text) if PERIOD_RE.fullmatch(text) else text


def css_class(kind: str) -> str:
    return "num" if kind in ("money", "int", "pct", "pct_change", "decimal") else ""


def display_row(columns, row: dict) -> list[tuple[str, str]]:
    return [(display(row.get(c.key), c.kind), css_class(c.kind)) for c in columns]
