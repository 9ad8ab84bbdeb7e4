"""CSV and XLSX exports of a report: the same rows and columns as the screen, raw values
(integers for rupiah, numbers for percentages) so spreadsheets can compute with them; periods
in words ("November 2026"). Text that
would start a formula is neutralised (``core.spreadsheet.safe_cell``)."""

import csv
import io

from django.http import HttpResponse
from django.utils.encoding import force_str
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ebakul.core.spreadsheet import safe_row

from .formatting import period_words

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {"money": "#,##0", "int": "#,##0", "pct": "0.0", "decimal": "0.0"}


def cell_value(column, row: dict):
    value = row.get(column.key)
    if column.kind == "bool":
        return 1 if value else 0
    if value is None:
        return ""
    if column.kind == "period":
        return period_words(value)
    if column.kind in ("text", "datetime", "date"):
        return force_str(value) if column.kind != "datetime" else value.isoformat()
    return value


def table(columns, rows) -> tuple[list[str], list[list]]:
    """Header and body as written to CSV and XLSX: every cell through core's ``safe_cell``, so
    a name such as ``=HYPERLINK(...)`` is text in the spreadsheet, never a formula."""
    header = safe_row(force_str(c.label) for c in columns)
    return header, [safe_row(cell_value(c, row) for c in columns) for row in rows]


def csv_response(*, filename: str, columns, rows) -> HttpResponse:
    header, body = table(columns, rows)
    buf = io.StringIO()
    # A byte-order mark so spreadsheet programs open UTF-8 (kecamatan names, Rp) correctly.
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(body)
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(*, title: str, columns, rows) -> bytes:
    """A write-only (streaming) workbook: openpyxl's fastest mode. Rupiah and percentage cells
    carry a number format; other numbers are written plain (formatting every cell costs twice
    the time on large lists)."""
    header, body = table(columns, rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31] or "Report")
    for idx, label in enumerate(header, start=1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = max(12, min(40, len(label) + 4))
    ws.freeze_panes = "A2"
    bold = []
    for label in header:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(bold=True)
        bold.append(cell)
    ws.append(bold)
    formats = [NUMBER_FORMATS.get(c.kind) if c.kind in ("money", "pct") else None for c in columns]
    formatted = [i for i, fmt in enumerate(formats) if fmt]
    for values in body:
        for i in formatted:
            if values[i] != "":
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = formats[i]
                values[i] = cell
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(*, filename: str, title: str, columns, rows) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(title=title, columns=columns, rows=rows), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
