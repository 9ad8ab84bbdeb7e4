"""Open data pages (public, no login) and the "Potensi usaha baru" desk report.

Public: ``/data/`` (the months), ``/data/<YYYY-MM>/`` (a month's page), ``/data/<YYYY-MM>.csv``
and ``.json`` (the same records, documented English field names), ``/data/panduan/`` (the
fields) and ``/data/<YYYY-MM>/potensi-usaha/`` (the public demand summary). A month not started,
or not written ``YYYY-MM``, is 404. Every figure comes from ``selectors.opendata`` and
``selectors.demand`` (docs/adr/0410, 0411)."""

import csv
import hashlib
import io
import json

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ebakul.core.money import format_rupiah
from ebakul.core.periods import period_label, previous_period, validate_period
from ebakul.core.spreadsheet import safe_row

from . import insights
from .access import can_read_demand_insights
from .formatting import number
from .forms import DemandInsightsForm
from .selectors.demand import demand_insights, public_demand
from .selectors.opendata import (
    FIELDS,
    FINAL,
    PROVISIONAL,
    RUNNING,
    month_status,
    open_month,
    published_months,
)
from .suppression import MIN_CONTRIBUTORS

STATUS_LABELS = {
    FINAL: _("Final: the period is locked"),
    PROVISIONAL: _("Provisional: the month is over, the period is not locked yet"),
    RUNNING: _("Running month: figures still grow"),
}
# Seconds a response may be reused: a locked month does not change.
MAX_AGE = {FINAL: 86_400, PROVISIONAL: 3_600, RUNNING: 600}
PAGE_MAX_AGE = 300

# What each field of the CSV/JSON means (the page /data/panduan/ and docs/open-data.md):
# (name, meaning, ((value, meaning of the value), ...)).
FIELD_DOCS = (
    ("period", _("Month, written YYYY-MM (WIB)."), ()),
    (
        "status",
        _("What the month's figures are."),
        (
            ("final", _("the period is locked: the figures will not change")),
            ("provisional", _("the month is over, the period is not locked yet")),
            ("running", _("running month: the figures still grow")),
        ),
    ),
    (
        "level",
        _("What the record covers."),
        (
            ("total", _("the whole regency")),
            ("kecamatan", _("one kecamatan, all categories")),
            ("category", _("one category, all kecamatan")),
            ("cell", _("one kecamatan and one category")),
        ),
    ),
    ("kecamatan", _("Kecamatan of the business (empty on total and category rows)."), ()),
    ("kecamatan_code", _("Official code of the kecamatan, when recorded."), ()),
    ("category", _("Category of the purchase (empty on total and kecamatan rows)."), ()),
    ("category_code", _("Code of the category."), ()),
    ("spend", _("Verified spend in whole rupiah (integer, no separators)."), ()),
    ("purchases", _("Number of verified purchases."), ()),
    ("merchants", _("Number of different businesses with a verified purchase."), ()),
    ("employees", _("Number of different employees with a verified purchase."), ()),
    (
        "suppressed",
        _("Whether the figures of the record are hidden (then empty in CSV and null in JSON)."),
        (
            (
                "true",
                _(
                    "hidden: they rest on fewer than 5 employees or 5 businesses, or they "
                    "would let a hidden figure be computed from a total"
                ),
            ),
            ("false", _("shown")),
        ),
    ),
)


def _period_or_404(period: str) -> str:
    try:
        validate_period(period)
    except ValidationError as exc:
        raise Http404 from exc
    status = month_status(period)
    if status is None:
        raise Http404
    return status


def _money(value) -> str:
    return format_rupiah(value) if value is not None else ""


def _page_cache(response: HttpResponse) -> HttpResponse:
    # Pages carry the language switch (a form with a per-visitor token): browsers may keep them
    # a few minutes, shared caches may not.
    patch_cache_control(response, private=True, max_age=PAGE_MAX_AGE)
    response["X-Robots-Tag"] = "all"
    return response


def _download(request, body: bytes, *, content_type: str, filename: str, status: str):
    """A download with public cache headers, an ETag and 304 on a matching If-None-Match."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE[status])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _month_links(period: str) -> dict:
    return {
        "csv": reverse("opendata:month_csv", args=[period]),
        "json": reverse("opendata:month_json", args=[period]),
        "page": reverse("opendata:month", args=[period]),
        "demand": reverse("opendata:demand", args=[period]),
    }


@require_GET
def index(request):
    months = [
        {"period": p, "label": period_label(p), "status": STATUS_LABELS[s], **_month_links(p)}
        for p, s in published_months()
    ]
    response = render(request, "reports/opendata/index.html", {"months": months})
    return _page_cache(response)


def _count(value) -> str:
    return number(value) if value is not None else ""


def _display(records: list[dict]) -> list[dict]:
    """Records with their figures as people read them: "Rp1.250.000", "1.234"."""
    return [
        {
            **r,
            "spend_label": _money(r["spend"]),
            "merchants_label": _count(r["merchants"]),
            "employees_label": _count(r["employees"]),
            "purchases_label": _count(r["purchases"]),
        }
        for r in records
    ]


@require_GET
def month(request, period: str):
    status = _period_or_404(period)
    data = open_month(period, status=status)
    response = render(
        request,
        "reports/opendata/month.html",
        {
            "period": period,
            "month": period_label(period),
            "status": status,
            "status_label": STATUS_LABELS[status],
            "running": status == RUNNING,
            "total": _display([data.total])[0],
            "by_kecamatan": _display(data.by_kecamatan),
            "by_category": _display(data.by_category),
            "cells": _display(data.cells),
            "links": _month_links(period),
            "previous": previous_period(period),
            "minimum": MIN_CONTRIBUTORS,
        },
    )
    return _page_cache(response)


@require_GET
def month_csv(request, period: str):
    status = _period_or_404(period)
    data = open_month(period, status=status)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for r in data.rows:
        values = [r[f] for f in FIELDS]
        values = ["true" if v is True else "false" if v is False else v for v in values]
        writer.writerow(safe_row("" if v is None else v for v in values))
    return _download(
        request,
        buf.getvalue().encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        filename=f"ebakul-data-{period}.csv",
        status=status,
    )


@require_GET
def month_json(request, period: str):
    status = _period_or_404(period)
    data = open_month(period, status=status)
    payload = {
        "period": period,
        "status": status,
        "minimum_contributors": MIN_CONTRIBUTORS,
        "fields": list(FIELDS),
        "documentation": request.build_absolute_uri(reverse("opendata:fields")),
        "records": [{f: r[f] for f in FIELDS} for r in data.rows],
    }
    body = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    return _download(
        request,
        body,
        content_type="application/json; charset=utf-8",
        filename=f"ebakul-data-{period}.json",
        status=status,
    )


@require_GET
def fields(request):
    response = render(
        request,
        "reports/opendata/fields.html",
        {"fields": FIELD_DOCS, "minimum": MIN_CONTRIBUTORS},
    )
    return _page_cache(response)


def _sections(period: str, *, public: bool) -> list:
    """The sections other apps provide (reports.insights): only those registered."""
    found = [
        insights.unmet_searches_section(period=period, public=public),
        insights.views_without_orders_section(period=period, public=public),
    ]
    return [s for s in found if s is not None]


def _growth_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            **g,
            "spend_label": _money(g["spend"]),
            "prev_spend_label": _money(g["prev_spend"]),
            "change_label": _money(g["change"]),
        }
        for g in rows
    ]


@require_GET
def demand(request, period: str):
    status = _period_or_404(period)
    data = public_demand(period, status=status)
    cells = [
        {
            **c,
            "spend_label": _money(c["spend"]),
            "per_merchant_label": _money(c["spend_per_merchant"]),
        }
        for c in data.cells
    ]
    response = render(
        request,
        "reports/opendata/demand.html",
        {
            "period": period,
            "month": period_label(period),
            "previous_month": period_label(data.previous),
            "status_label": STATUS_LABELS[status],
            "running": status == RUNNING,
            "cells": cells,
            "growth": _growth_rows(data.growth),
            "sections": _sections(period, public=True),
            "links": _month_links(period),
        },
    )
    return _page_cache(response)


@require_GET
def demand_desk(request):
    """The desk report (administrators and verifiers); ``?period=YYYY-MM``, by default the last
    month that is over."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not can_read_demand_insights(request.user):
        raise PermissionDenied
    form = DemandInsightsForm(request.GET or None)
    period = form.chosen_period()
    if not form.is_bound:
        form = DemandInsightsForm(initial={"period": period})
    data = demand_insights(user=request.user, period=period)
    cells = [
        {
            **c,
            "spend_label": _money(c["spend"]),
            "per_merchant_label": _money(c["spend_per_merchant"]),
        }
        for c in data.cells
    ]
    flows = [{**f, "spend_label": _money(f["spend"])} for f in data.flows]
    outflow = [
        {**o, "spend_label": _money(o["spend"]), "outside_label": _money(o["outside"])}
        for o in data.outflow
    ]
    return render(
        request,
        "reports/demand.html",
        {
            **admin.site.each_context(request),
            "title": _("New business potential"),
            "period": period,
            "form": form,
            "month": period_label(period),
            "previous_month": period_label(data.previous),
            "data": data,
            "total_label": _money(data.total_spend),
            "per_merchant_label": _money(data.spend_per_merchant),
            "unknown_label": _money(data.unknown_origin_spend),
            "cells": cells,
            "flows": flows,
            "outflow": outflow,
            "growth": _growth_rows(data.growth),
            "sections": _sections(period, public=False),
            # Labels with "%" come from Python: the translate tag would look up "%%".
            "share_label": _("Share (%)"),
            "change_pct_label": _("Change (%)"),
            "public_url": reverse("opendata:demand", args=[period]) if month_status(period) else "",
        },
    )
