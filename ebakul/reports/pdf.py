"""The employee's monthly statement as a PDF (reportlab), in the portal's colours with the
regency's letterhead and a verification QR (docs/adr/0151). Built from
``selectors.employee_statement``; no queries here."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ebakul.core.money import format_rupiah
from ebakul.core.periods import WIB, period_label
from ebakul.workflow.selectors import PURCHASE, state_choices

# The portal's palette (ebakul/portal/static/portal/portal.css).
GREEN = colors.HexColor("#136f3b")
GREEN_SOFT = colors.HexColor("#e4f3ea")
INK = colors.HexColor("#1d2520")
MUTED = colors.HexColor("#5b665f")
LINE = colors.HexColor("#d5ddd8")
ACCENT = GREEN
QR_SIZE = 30 * mm


def _p(text, style):
    return Paragraph(escape(str(text)), style)


class QrCode(Flowable):
    """A QR code of ``url`` that is also a link to it (PDF readers can click it)."""

    def __init__(self, url: str, size: float = QR_SIZE):
        super().__init__()
        self.url, self.size = url, size
        self.width = self.height = size

    def draw(self):
        widget = QrCodeWidget(self.url, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(
            self.size,
            self.size,
            transform=[self.size / (x1 - x0), 0, 0, self.size / (y1 - y0), 0, 0],
        )
        drawing.add(widget)
        drawing.drawOn(self.canv, 0, 0)
        self.canv.linkURL(self.url, (0, 0, self.size, self.size), relative=1)


def _table(data, widths, *, header=True, align_right_from=None):
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
    ]
    if header:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("BACKGROUND", (0, 0), (-1, 0), GREEN_SOFT),
            ("TEXTCOLOR", (0, 0), (-1, 0), GREEN),
        ]
    else:
        style += [("TEXTCOLOR", (0, 0), (0, -1), MUTED)]
    if align_right_from is not None:
        style.append(("ALIGN", (align_right_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _styles() -> dict:
    normal = getSampleStyleSheet()["BodyText"].clone("n", textColor=INK, fontSize=9.5, leading=13)
    return {
        "normal": normal,
        "small": normal.clone("small", fontSize=8, leading=10, textColor=MUTED),
        "cell": normal.clone("cell", fontSize=8.5, leading=10.5),
        "letterhead": normal.clone(
            "lh", fontName="Helvetica-Bold", fontSize=14, leading=18, textColor=GREEN
        ),
        "title": normal.clone("t", fontName="Helvetica-Bold", fontSize=16, leading=20),
        "month": normal.clone("m", fontSize=12, leading=15, textColor=GREEN),
        "h2": normal.clone(
            "h2",
            fontName="Helvetica-Bold",
            fontSize=11.5,
            leading=15,
            textColor=GREEN,
            spaceBefore=2,
        ),
    }


def _letterhead(month: str, verify_url: str, st: dict) -> Table:
    head_left = [
        _p(_("Bojonegoro Regency Government").upper(), st["letterhead"]),
        _p(_("eBakul – civil servants shopping at local businesses"), st["small"]),
        Spacer(1, 5 * mm),
        _p(_("Monthly shopping statement"), st["title"]),
        _p(month, st["month"]),
    ]
    head_right = (
        [QrCode(verify_url), _p(_("Scan to check this statement"), st["small"])]
        if verify_url
        else ""
    )
    head = Table([[head_left, head_right]], colWidths=[136 * mm, 38 * mm])
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.5, GREEN),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 4 * mm),
            ]
        )
    )
    return head


def _identity(employee, month: str, st: dict) -> list:
    cell = st["cell"]
    ident = [
        [_("Name"), _p(employee.name, cell)],
        [_("NIP"), employee.nip],
        [_("Work unit"), _p(employee.work_unit, cell)],
        [_("Job class"), _p(employee.employee_class, cell)],
        [_("Month"), month],
    ]
    return [_table(ident, [40 * mm, 134 * mm], header=False), Spacer(1, 5 * mm)]


def _result(compliance, deduction, st: dict) -> list:
    story = [_p(_("Result"), st["h2"])]
    if compliance is None:
        text = _(
            "The result for this month is not out yet: it is computed after the verification close."
        )
        return [*story, _p(text, st["normal"]), Spacer(1, 5 * mm)]
    amount = deduction.deduction_amount if deduction else compliance.deduction_amount
    result = [
        [_("Minimum spend this month"), format_rupiah(compliance.required_spend)],
        [_("Verified spend"), format_rupiah(compliance.verified_spend)],
        [_("Waiting for verification"), format_rupiah(compliance.pending_spend)],
        [_("Still short"), format_rupiah(compliance.shortfall)],
        [_("Status"), _p(compliance.get_status_display(), st["cell"])],
        [_("Deduction from TPP"), format_rupiah(amount)],
    ]
    return [*story, _table(result, [70 * mm, 104 * mm], header=False), Spacer(1, 5 * mm)]


def _purchases(purchases, verified_total: int, st: dict) -> list:
    story = [_p(_("Purchases"), st["h2"])]
    if not purchases:
        return [*story, _p(_("No purchases recorded in this period."), st["normal"])]
    cell = st["cell"]
    labels = dict(state_choices(PURCHASE))
    rows = [[_("Date"), _("Number"), _("Merchant"), _("Category"), _("Status"), _("Amount")]]
    for p in purchases:
        rows.append(
            [
                p.purchased_at.astimezone(WIB).strftime("%d-%m-%Y"),
                _p(p.document_number, cell),
                _p(p.merchant.business_name, cell),
                _p(p.category.name, cell),
                _p(labels.get(p.status, p.status), cell),
                format_rupiah(p.amount),
            ]
        )
    rows.append(["", "", "", "", _p(_("Verified total"), cell), format_rupiah(verified_total)])
    widths = [20 * mm, 34 * mm, 44 * mm, 26 * mm, 24 * mm, 26 * mm]
    table = _table(rows, widths, align_right_from=5)
    table.setStyle(TableStyle([("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")]))
    return [*story, table]


def statement_pdf(statement: dict, *, verify_url: str = "") -> bytes:
    """The employee's monthly statement: letterhead with the verification QR, who, the result
    and the purchases (one page for an ordinary month)."""
    employee = statement["employee"]
    month = period_label(statement["period"])
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=_("Monthly shopping statement %(month)s – %(name)s")
        % {"month": month, "name": employee.name},
        author=_("Bojonegoro Regency Government"),
    )
    printed = _(
        "Printed %(at)s WIB. Only verified purchases count toward the minimum. "
        "Scan the code at the top to check these figures."
    ) % {"at": timezone.now().astimezone(WIB).strftime("%d-%m-%Y %H.%M")}
    story = [
        _letterhead(month, verify_url, st),
        Spacer(1, 5 * mm),
        *_identity(employee, month, st),
        *_result(statement["compliance"], statement["deduction"], st),
        *_purchases(statement["purchases"], statement["verified_total"], st),
        Spacer(1, 8 * mm),
        _p(printed, st["small"]),
    ]
    doc.build(story)
    return buf.getvalue()
