"""Exports speak Indonesian (issue 13): headers translated, statuses and sanction modes as labels,
periods as "November 2026", never the codes."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from ebakul.compliance.models import DeductionStatus, SanctionMode
from ebakul.core.periods import period_label


def _csv(client, slug, **params):
    query = "&".join(f"{k}={v}" for k, v in {**params, "export": "csv"}.items())
    resp = client.get(reverse("reports:report", args=[slug]) + "?" + query)
    assert resp.status_code == 200
    return list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))


def _xlsx(client, slug, **params):
    query = "&".join(f"{k}={v}" for k, v in {**params, "export": "xlsx"}.items())
    resp = client.get(reverse("reports:report", args=[slug]) + "?" + query)
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_deduction_register_export_in_words(client, world, admin_user, fmt):
    client.force_login(admin_user)
    rows = (_csv if fmt == "csv" else _xlsx)(client, "deduction-register", period=world.period)
    header, body = rows[0], rows[1:]
    assert body, "the world has deductions"
    assert "Periode" in header and "Status" in header and "Period" not in header
    col = {name: i for i, name in enumerate(header)}
    periods = {r[col["Periode"]] for r in body}
    assert periods == {period_label(world.period)}  # "November 2026", not "2026-11"
    statuses = {r[col["Status"]] for r in body}
    assert statuses <= {str(label) for label in DeductionStatus.labels}
    assert not statuses & set(DeductionStatus.values)
    sanction_col = next(i for i, h in enumerate(header) if "sanksi" in h.lower())
    modes = {r[sanction_col] for r in body}
    assert modes <= {str(label) for label in SanctionMode.labels}, modes
    assert not modes & set(SanctionMode.values)


def test_monthly_trend_export_shows_months_in_words(client, world, admin_user):
    client.force_login(admin_user)
    rows = _csv(client, "monthly-trend", period_from=world.prev, period_to=world.period)
    periods = [r[0] for r in rows[1:]]
    assert period_label(world.period) in periods
    assert world.period not in periods
    page = client.get(
        reverse("reports:report", args=["monthly-trend"])
        + f"?period_from={world.prev}&period_to={world.period}"
    )
    assert period_label(world.period) in page.content.decode()
