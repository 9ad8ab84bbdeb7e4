"""Display of report values on screen (exports keep raw values)."""

import datetime as dt

from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ebakul.core.money import format_rupiah


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
    if kind == "datetime" and isinstance(value, dt.datetime):
        return formats.date_format(localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def css_class(kind: str) -> str:
    return "num" if kind in ("money", "int", "pct", "pct_change", "decimal") else ""


def display_row(columns, row: dict) -> list[tuple[str, str]]:
    return [(display(row.get(c.key), c.kind), css_class(c.kind)) for c in columns]
