"""Report pages, their CSV/XLSX exports and scoping over HTTP."""

import base64
import contextlib
import csv
import io
import re
import zlib

import openpyxl
import pytest
from django.urls import reverse

from ebakul.reports.definitions import REPORTS
from ebakul.reports.formatting import display

pytestmark = pytest.mark.django_db

SLUGS = [r.slug for r in REPORTS]


def _url(slug, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("reports:report", args=[slug]) + (f"?{query}" if query else "")


def _params(report, world):
    if "period_from" in report.form_class.base_fields:
        return {"period_from": world.prev, "period_to": world.period}
    return {"period": world.period, **({"limit": "0"} if report.slug == "merchants" else {})}


def _screen_cells(response):
    """The table cells exactly as the page shows them (without the PDF link column)."""
    html = response.content.decode()
    body = html.split('<table class="eb-table" id="report-table">', 1)[1]
    body = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
        rows.append([c.strip() for c in cells if "PDF</a>" not in c])
    return rows


def _norm(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _as_screen(report, values):
    from django.utils.html import escape

    out = []
    for col, value in zip(report.columns, values, strict=True):
        if col.kind == "bool":
            value = bool(value)
        if value == "" and col.kind != "text":
            value = None
        if col.kind == "datetime" and value:
            import datetime as dt

            value = dt.datetime.fromisoformat(value)
        out.append(str(escape(display(value, col.kind))))
    return out


@pytest.mark.parametrize("report", REPORTS, ids=SLUGS)
def test_page_and_exports_hold_the_same_rows(client, world, admin_user, report):
    client.force_login(admin_user)
    params = _params(report, world)
    page = client.get(_url(report.slug, **params))
    assert page.status_code == 200
    screen = _screen_cells(page)
    data = page.context["data"]
    assert data is not None and data.rows, report.slug
    assert len(screen) == len(data.rows)

    xlsx = client.get(_url(report.slug, export="xlsx", **params))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    sheet = [list(r) for r in ws.iter_rows(values_only=True)]
    assert sheet[0] == [str(c.label) for c in report.columns]
    body = [[("" if v is None else v) for v in r] for r in sheet[1:]]
    assert [_as_screen(report, r) for r in body] == screen

    resp = client.get(_url(report.slug, export="csv", **params))
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0] == [str(c.label) for c in report.columns]
    assert len(rows) - 1 == len(screen)
    # Same values as the XLSX (CSV carries them as text).
    assert [[_norm(v) for v in r] for r in rows[1:]] == [[_norm(v) for v in r] for r in body]


@pytest.mark.parametrize("report", REPORTS, ids=SLUGS)
def test_operator_pages_and_exports_only_hold_their_unit(client, world, operator_user, report):
    client.force_login(operator_user)
    params = _params(report, world)
    page = client.get(_url(report.slug, **params))
    assert page.status_code == 200
    bpkad_nips = {e.nip for e in world.employees if e.work_unit.code == "BPKAD"}
    dinkes_nips = {e.nip for e in world.employees if e.work_unit.code == "DINKES"}
    html = page.content.decode()
    assert not any(nip in html for nip in bpkad_nips)
    assert "BPKAD" not in html.split('id="report-table"', 1)[-1]
    for fmt in ("csv", "xlsx"):
        resp = client.get(_url(report.slug, export=fmt, **params))
        assert resp.status_code == 200
        text = (
            resp.content.decode("utf-8-sig")
            if fmt == "csv"
            else " ".join(
                str(v)
                for r in openpyxl.load_workbook(io.BytesIO(resp.content)).active.iter_rows(
                    values_only=True
                )
                for v in r
            )
        )
        assert not any(nip in text for nip in bpkad_nips), (report.slug, fmt)
        assert "BPKAD" not in text
    if report.slug in ("employees", "deduction-register"):
        assert any(nip in html for nip in dinkes_nips)
    # The unit filter offers only the operator's own unit.
    if "unit" in report.form_class.base_fields:
        choices = [str(label) for _v, label in page.context["form"].fields["unit"].choices]
        assert any("DINKES" in c for c in choices)
        assert not any("BPKAD" in c for c in choices)


def test_operator_figures_are_their_unit_only(client, world, operator_user):
    client.force_login(operator_user)
    page = client.get(_url("consumption-map", period=world.period))
    expected = sum(
        p["amount"]
        for p in world.purchases
        if p["unit"] == "DINKES" and p["status"] == "verified" and p["period"] == world.period
    )
    assert page.context["data"].totals["spend"] == expected == 1_150_000
    # Choosing another unit in the URL is refused by the form, not answered with its rows.
    bpkad = world.units["BPKAD"].pk
    page = client.get(_url("consumption-map", period=world.period, unit=bpkad))
    assert page.context["data"] is None
    assert "unit" in page.context["form"].errors
    resp = client.get(_url("consumption-map", period=world.period, unit=bpkad, export="csv"))
    assert resp.status_code == 400


@pytest.mark.parametrize("slug", SLUGS)
def test_employees_and_merchants_get_403(client, world, employee_user, merchant_user, slug):
    for user in (employee_user, merchant_user):
        client.force_login(user)
        for extra in ({}, {"export": "csv"}, {"export": "xlsx"}):
            resp = client.get(_url(slug, period=world.period, **extra))
            assert resp.status_code == 403, (user, slug, extra)
    assert client.get(reverse("reports:index")).status_code == 403
    statement = reverse("reports:statement", args=[world.employees[0].pk, world.period])
    assert client.get(statement).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    resp = client.get(_url("merchants"))
    assert resp.status_code == 302
    assert reverse("admin:login") in resp["Location"]


def test_index_lists_every_report(client, admin_user, verifier):
    for user in (admin_user, verifier):
        client.force_login(user)
        resp = client.get(reverse("reports:index"))
        assert resp.status_code == 200
        for slug in SLUGS:
            assert reverse("reports:report", args=[slug]) in resp.content.decode()


def test_invalid_period_shows_the_form_error(client, admin_user):
    client.force_login(admin_user)
    resp = client.get(_url("consumption-map", period="2026-13"))
    assert resp.status_code == 200
    assert resp.context["data"] is None
    assert "period" in resp.context["form"].errors


def test_employee_list_pages_and_links_statements(client, world, admin_user):
    client.force_login(admin_user)
    resp = client.get(_url("employees", period=world.period))
    html = resp.content.decode()
    for e in world.employees:
        assert reverse("reports:statement", args=[e.pk, world.period]) in html


def _pdf_text(content: bytes) -> bytes:
    """reportlab writes page streams ASCII85- then Flate-encoded: decode them to search the
    text (pypdf is not a dependency)."""
    out = [content]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", content, flags=re.S):
        data = m.group(1).strip()
        with contextlib.suppress(ValueError, zlib.error):
            out.append(zlib.decompress(base64.a85decode(data, adobe=True)))
    return b"".join(out)


def test_statement_pdf(client, world, admin_user, django_assert_max_num_queries):
    emp = world.employees[0]
    client.force_login(admin_user)
    url = reverse("reports:statement", args=[emp.pk, world.period])
    with django_assert_max_num_queries(12):
        resp = client.get(url)
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    text = _pdf_text(resp.content)
    assert emp.name.encode() in text
    assert emp.nip.encode() in text
    assert b"Rp450.000" in text  # verified total: 250,000 + 200,000


def test_statement_pdf_scoping(client, world, operator_user):
    client.force_login(operator_user)
    dinkes = next(e for e in world.employees if e.work_unit.code == "DINKES")
    bpkad = next(e for e in world.employees if e.work_unit.code == "BPKAD")
    ok = client.get(reverse("reports:statement", args=[dinkes.pk, world.period]))
    assert ok.status_code == 200
    refused = client.get(reverse("reports:statement", args=[bpkad.pk, world.period]))
    assert refused.status_code == 404
