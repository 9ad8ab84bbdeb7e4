"""Report pages inside the desk look (unfold layout through ``admin.site.each_context``), their
CSV/XLSX exports and the employee statement PDF. Views only parse filters, call a selector and
render; every figure comes from ``reports.selectors``."""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ebakul.core.db import reads_from_replica
from ebakul.core.errors import PermissionDeniedError
from ebakul.core.money import format_rupiah
from ebakul.core.periods import current_period, period_label, validate_period

from . import exports
from . import selectors as rs
from .access import can_read_demand_insights, can_read_reports
from .definitions import REPORTS, REPORTS_BY_SLUG
from .formatting import css_class, display, display_row
from .pdf import statement_pdf
from .verification import statement_check, statement_check_url

EXPORT_FORMATS = ("csv", "xlsx")
MSG_NOT_COMPUTED = _(
    "Compliance for this period has not been computed yet. It is computed after the "
    "verification close."
)

MSG_RUNNING = _(
    "Running month: %(month)s is not over yet, so its figures still grow and the comparison "
    "with the previous month is not like for like."
)
MSG_EMPTY = _(
    "Nothing for %(month)s with these filters: no purchase has been recorded that matches "
    "them. Choose another month or clear a filter."
)
MSG_EMPTY_FUTURE = _("%(month)s has not started yet: there is nothing to report.")


def _empty_message(period: str | None) -> str:
    if not period:
        return ""
    if period > current_period():
        return MSG_EMPTY_FUTURE % {"month": period_label(period)}
    return MSG_EMPTY % {"month": period_label(period)}


def _map_data(report, data) -> dict | None:
    """What the consumption map draws (ADR 0152): points, labels and the tile settings."""
    if not report.extra.get("map") or data is None:
        return None
    points = (data.summary or {}).get("map") or {"merchants": [], "kecamatan": []}
    for group in points.values():
        for p in group:
            p["spend_label"] = format_rupiah(p["spend"])
    return {
        **points,
        "tiles": settings.EBAKUL_MAP_TILES_URL,
        "attribution": settings.EBAKUL_MAP_TILES_ATTRIBUTION,
        "labels": {"merchants": str(_("merchant(s)")), "purchases": str(_("purchase(s)"))},
    }


def _guard(request):
    """Anonymous readers go to the desk login; signed-in users without a report role get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not can_read_reports(request.user):
        raise PermissionDenied
    return None


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


@require_GET
@reads_from_replica
def index(request):
    if (response := _guard(request)) is not None:
        return response
    return render(
        request,
        "reports/index.html",
        _context(
            request,
            title=_("Reports"),
            reports=REPORTS,
            demand_url=reverse("reports:demand") if can_read_demand_insights(request.user) else "",
        ),
    )


def _params_with_defaults(request, report):
    params = request.GET.copy()
    if (
        report.group == "compliance"
        and "period" in report.form_class.base_fields
        and not params.get("period")
    ):
        latest = rs.latest_computed_period(user=request.user, up_to=current_period())
        if latest:
            params["period"] = latest
    return params


def _export_response(report, form, data, export: str) -> HttpResponse:
    """The report as a CSV or XLSX download (400 with the form's errors when the filters are
    invalid)."""
    if data is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    stamp = form.cleaned_data.get("period") or "{}_{}".format(
        form.cleaned_data.get("period_from"), form.cleaned_data.get("period_to")
    )
    filename = f"ebakul-{report.slug}-{stamp}"
    if export == "csv":
        return exports.csv_response(filename=filename, columns=report.columns, rows=data.rows)
    return exports.xlsx_response(
        filename=filename, title=str(report.title), columns=report.columns, rows=data.rows
    )


def _not_computed(report, data) -> bool:
    """A compliance report of a period whose compliance was never computed (says why it is
    empty)."""
    return (
        data is not None
        and report.group == "compliance"
        and not data.rows
        and not (data.summary or {}).get("computed_at")
    )


def _page(rows: list, page_size: int | None, raw_page: str) -> tuple[list, int, int]:
    """(the rows of the asked page, its number, the number of pages) on Django's Paginator.
    ASCII digits only (int() takes other scripts' digits): anything else is page 1, a number
    past the end the last page."""
    if not page_size:
        return rows, 1, 1
    number = max(1, int(raw_page)) if re.fullmatch(r"[0-9]{1,6}", raw_page) else 1
    page = Paginator(rows, page_size).get_page(number)
    return list(page.object_list), page.number, page.paginator.num_pages


@require_GET
@reads_from_replica
def report_view(request, slug: str):
    report = REPORTS_BY_SLUG.get(slug)
    if report is None:
        raise Http404
    if (response := _guard(request)) is not None:
        return response
    form = report.form_class.bind(_params_with_defaults(request, report), user=request.user)
    data = report.run(request.user, form.cleaned_data) if form.is_valid() else None
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return _export_response(report, form, data, export)

    rows, page, pages = [], 1, 1
    figures, chart, totals = [], "", None
    if data is not None:
        rows, page, pages = _page(data.rows, report.page_size, request.GET.get("page", ""))
        figures = [(label, display(value, kind)) for label, value, kind in report.figures(data)]
        chart = report.chart(data) if report.chart and data.rows else ""
        totals = display_row(report.columns, data.totals) if data.rows else None
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    period = form.cleaned_data.get("period") if data else None
    last = period or (form.cleaned_data.get("period_to") if data else None)
    running = bool(last) and last == current_period()
    return render(
        request,
        "reports/report.html",
        _context(
            request,
            title=report.title,
            report=report,
            form=form,
            data=data,
            figures=figures,
            chart=chart,
            header=[(c.label, css_class(c.kind)) for c in report.columns],
            rows=[(row, display_row(report.columns, row)) for row in rows],
            totals=totals,
            page=page,
            pages=pages,
            total_rows=len(data.rows) if data else 0,
            query=query.urlencode(),
            not_computed_message=MSG_NOT_COMPUTED if _not_computed(report, data) else "",
            period=period,
            map_data=_map_data(report, data),
            running_message=(MSG_RUNNING % {"month": period_label(last)}) if running else "",
            empty_message=(
                _empty_message(period or last) if data is not None and not data.rows else ""
            ),
        ),
    )


@require_GET
def statement_view(request, employee_id: int, period: str):
    if (response := _guard(request)) is not None:
        return response
    try:
        validate_period(period)
    except Exception as exc:
        raise Http404 from exc
    try:
        statement = rs.employee_statement(user=request.user, employee_id=employee_id, period=period)
    except PermissionDeniedError as exc:
        raise Http404 from exc
    pdf = statement_pdf(statement, verify_url=statement_check_url(request, statement))
    response = HttpResponse(pdf, content_type="application/pdf")
    nip = statement["employee"].nip
    response["Content-Disposition"] = f'inline; filename="ebakul-statement-{nip}-{period}.pdf"'
    return response


@require_GET
def statement_check_view(request, token: str):
    """Public page opened by the statement's QR (docs/adr/0151): no login, only the figures
    and the NIP masked. A token not made here, or changed, is refused with 404."""
    try:
        check = statement_check(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404 from exc
    figures = check["figures"]
    rows = [
        (_("Minimum spend this month"), figures["required"]),
        (_("Verified total"), figures["verified_total"]),
        (_("Still short"), figures["shortfall"]),
        (_("Deduction from TPP"), figures["deduction"]),
    ]
    response = render(
        request,
        "reports/statement_check.html",
        {
            "check": check,
            "month": period_label(check["period"]),
            "rows": [(label, format_rupiah(v)) for label, v in rows if v is not None],
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
