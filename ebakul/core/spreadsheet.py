"""Cells written to spreadsheets (CSV and XLSX) are data, never formulas.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run
as a formula by Excel/LibreOffice (``=HYPERLINK(...)``, DDE payloads): ``safe_cell`` prefixes it
with a single quote, which spreadsheet programs show as text. Numbers stay numbers: ints,
floats and decimals are returned unchanged, and so is a text that is just a number (``-5000``,
``-12.5``), which a spreadsheet reads as that number and never as a formula. Every CSV/XLSX
writer of eBakul goes through ``safe_cell``/``safe_row`` (reports, desk import-export);
docs/adr/0095-formula-safe-exports.md.
"""

import datetime as dt
import re
from decimal import Decimal

from django.utils.encoding import force_str

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain number written as text: optional minus, ASCII digits, optional decimal part.
_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def safe_cell(value):
    """``value`` as it may be written to a spreadsheet cell (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return value  # written as values (numbers, dates), never parsed as formulas
    if not isinstance(value, str):
        value = force_str(value)
    if value.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


class FormulaSafeResourceMixin:
    """For django-import-export resources: every exported cell through ``safe_cell``.

    The library's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` only strips a leading ``=``
    (not ``+ - @``, tab or CR) and turns every cell, numbers included, into text; it is left off.
    """

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return safe_row(super().export_resource(instance, selected_fields, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return safe_row(super().get_export_headers(selected_fields))
