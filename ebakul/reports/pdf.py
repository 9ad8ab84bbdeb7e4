"""The employee's monthly statement as a PDF (reportlab). Built from
``selectors.employee_statement``; no queries here."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ebakul.core.money import format_rupiah
from ebakul.core.periods import WIB
from ebakul.workflow.selectors import PURCHASE, state_choices

ACCENT = colors.HexColor("#7e22ce")


def _p(text, style):
    return Paragraph(escape(str(text)), style)


def _table(data, widths, *, header=True, align_right_from=None):
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#e5e7eb")),
    ]
    if header:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f4f6")),
        ]
    if align_right_from is not None:
        style.append(("ALIGN", (align_right_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _styles() -> dict:
    styles = getSampleStyleSheet()
    return {
        "normal": styles["BodyText"],
        "small": styles["BodyText"].clone("small", fontSize=8),
        "title": styles["Title"].clone("t", textColor=ACCENT, alignment=0),
        "heading": styles["Heading2"],
    }


def _identity(employee, period: str) -> list:
    ident = [
        [_("Name"), employee.name],
        [_("NIP"), employee.nip],
        [_("Work unit"), str(employee.work_unit)],
        [_("Job class"), str(employee.employee_class)],
        [_("Period"), period],
    ]
    return [_table(ident, [45 * mm, 125 * mm], header=False), Spacer(1, 6 * mm)]


def _result(compliance, deduction, st: dict) -> list:
    story = [_p(_("Result"), st["heading"])]
    if compliance is None:
        story.append(_p(_("Compliance for this period has not been computed yet."), st["normal"]))
        return [*story, Spacer(1, 6 * mm)]
    result = [
        [_("TPP ceiling"), format_rupiah(compliance.tpp_ceiling)],
        [_("Required spend"), format_rupiah(compliance.required_spend)],
        [_("Verified spend"), format_rupiah(compliance.verified_spend)],
        [_("Waiting for verification"), format_rupiah(compliance.pending_spend)],
        [_("Shortfall"), format_rupiah(compliance.shortfall)],
        [_("Status"), str(compliance.get_status_display())],
        [_("Computed deduction"), format_rupiah(compliance.deduction_amount)],
    ]
    if deduction is not None:
        result.append(
            [
                _("TPP deduction"),
                f"{format_rupiah(deduction.deduction_amount)} "
                f"({deduction.get_status_display()}, v{deduction.version})",
            ]
        )
    return [*story, _table(result, [60 * mm, 110 * mm], header=False), Spacer(1, 6 * mm)]


def _purchases(purchases, verified_total: int, st: dict) -> list:
    story = [_p(_("Purchases"), st["heading"])]
    if not purchases:
        return [*story, _p(_("No purchases recorded in this period."), st["normal"])]
    small = st["small"]
    labels = dict(state_choices(PURCHASE))
    rows = [[_("Date"), _("Number"), _("Merchant"), _("Category"), _("Status"), _("Amount")]]
    for p in purchases:
        rows.append(
            [
                p.purchased_at.astimezone(WIB).strftime("%d-%m-%Y"),
                p.document_number,
                Paragraph(escape(p.merchant.business_name), small),
                Paragraph(escape(p.category.name), small),
                Paragraph(escape(str(labels.get(p.status, p.status))), small),
                format_rupiah(p.amount),
            ]
        )
    rows.append(["", "", "", "", _("Verified total"), format_rupiah(verified_total)])
    widths = [20 * mm, 36 * mm, 42 * mm, 26 * mm, 24 * mm, 26 * mm]
    return [*story, _table(rows, widths, align_right_from=5)]


def statement_pdf(statement: dict) -> bytes:
    employee = statement["employee"]
    period = statement["period"]
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("eBakul monthly statement %(period)s – %(name)s")
        % {"period": period, "name": employee.name},
        author="eBakul Bojonegoro",
    )
    printed = _("Printed %(at)s WIB. Only verified purchases count toward the minimum.") % {
        "at": timezone.now().astimezone(WIB).strftime("%d-%m-%Y %H:%M")
    }
    doc.build(
        [
            _p(_("eBakul monthly statement"), st["title"]),
            _p(_("Belanja ASN untuk Kemajuan Usaha Lokal – Kabupaten Bojonegoro"), st["small"]),
            Spacer(1, 6 * mm),
            *_identity(employee, period),
            *_result(statement["compliance"], statement["deduction"], st),
            *_purchases(statement["purchases"], statement["verified_total"], st),
            Spacer(1, 8 * mm),
            _p(printed, st["small"]),
        ]
    )
    return buf.getvalue()
