"""The statement PDF (ADR 0151): letterhead, month in words, Indonesian only, nothing
overlapping (read back with poppler's pdftotext -bbox and rendered with pdftoppm), and the
verification QR whose page confirms the figures without a login."""

import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ebakul.core.periods import period_bounds, period_label
from ebakul.reports.verification import mask_nip
from tests.factories import PurchaseFactory

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# English words and internal codes that must never reach the printed statement.
FORBIDDEN = re.compile(
    r"\b(statement|purchases?|shortfall|verified|amount|name|period|merchant|deduction|"
    r"ceiling|required|compliance|printed|scan|v\d|merchant_confirmed|merchant_disputed|"
    r"submitted|rejected|contested|draft)\b",
    re.I,
)


def _pdf(client, world, admin_user):
    client.force_login(admin_user)
    emp = world.employees[0]
    response = client.get(reverse("reports:statement", args=[emp.pk, world.period]))
    assert response.status_code == 200
    return emp, response.content


def _poppler(tool: str, content: bytes, *args) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "s.pdf"
        pdf.write_bytes(content)
        out = subprocess.run(
            [tool, *args, str(pdf), "-"], capture_output=True, check=True, timeout=60
        )
        return out.stdout.decode()


def test_statement_reads_as_a_finished_indonesian_document(client, world, admin_user):
    emp, content = _pdf(client, world, admin_user)
    text = _poppler("pdftotext", content, "-layout")
    assert "PEMERINTAH KABUPATEN BOJONEGORO" in text
    assert period_label(world.period) in text  # e.g. "November 2026"
    assert not re.search(r"\b\d{4}-\d{2}\b", text), "a period code is printed"
    assert emp.name in text and emp.nip in text
    assert "Rp450.000" in text
    assert "Pindai untuk memeriksa laporan ini" in " ".join(text.split())
    found = FORBIDDEN.findall(text)
    assert not found, f"English or internal words on the statement: {found}"


def test_no_two_words_overlap_and_the_page_renders(client, world, admin_user):
    _emp, content = _pdf(client, world, admin_user)
    html = _poppler("pdftotext", content, "-bbox")
    boxes = [
        tuple(float(v) for v in m.groups())
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html
        )
    ]
    assert len(boxes) > 40
    overlaps = [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
    ]
    assert not overlaps
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "s.pdf"
        pdf.write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(ARTIFACTS / "statement"),
            ],
            check=True,
            timeout=60,
        )
    assert any(ARTIFACTS.glob("statement*.png"))


def _check_url(content: bytes) -> str:
    match = re.search(rb"/URI \((http[^)]*)\)", content)
    assert match, "the QR carries no link"
    return match.group(1).decode()


def test_qr_opens_a_public_page_with_the_figures_and_the_nip_masked(client, world, admin_user):
    emp, content = _pdf(client, world, admin_user)
    url = _check_url(content)
    path = re.sub(r"^https?://[^/]+", "", url)
    assert path.startswith("/reports/cek/")
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-valid="1"' in html
    assert mask_nip(emp.nip) in html and emp.nip not in html
    assert emp.name not in html
    assert "Rp450.000" in html
    assert period_label(world.period) in html

    # A changed token is refused.
    token = path.split("/")[3]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(f"/reports/cek/{tampered}/").status_code == 404
    assert client.get("/reports/cek/bukan-token/").status_code == 404

    # Records that changed after printing are said to have changed.
    PurchaseFactory(
        employee=emp,
        merchant=world.merchants["m1"],
        amount=10_000,
        status="verified",
        purchased_at=period_bounds(world.period)[0] + dt.timedelta(hours=10),
    )
    html = client.get(path).content.decode()
    assert 'data-valid="0"' in html


@pytest.mark.parametrize("nip,masked", [("198501012010011001", "1985***********001")])
def test_mask_nip(nip, masked):
    assert mask_nip(nip) == masked
