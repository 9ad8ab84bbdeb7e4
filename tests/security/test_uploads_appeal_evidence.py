"""Appeal evidence (issue 10, finding 8): only photos and PDFs, under a server-chosen name,
served by a row-scoped view (PDFs as a download), never under /media/."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ebakul.accounts import roles
from ebakul.compliance.evidence import MSG_EVIDENCE_NOT_ALLOWED
from ebakul.compliance.models import Appeal
from ebakul.employees.models import UnitOperator, WorkUnit
from tests.factories import UserFactory
from tests.portal.test_employee_pages import _open_appeal_window

from .payloads import PDF_BYTES, png_with_script

pytestmark = pytest.mark.django_db

REASON = "Saya cuti melahirkan sepanjang bulan, surat cuti terlampir."
STORED = re.compile(r"^appeals/\d{4}-\d{2}/[0-9a-f]{64}\.(jpg|png|pdf)$")


def _appeal(employee_client, employee, admin_user, evidence):
    _open_appeal_window(employee, admin_user)
    return employee_client.post(reverse("portal:appeal"), {"reason": REASON, "evidence": evidence})


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("surat.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("surat.zip", b"PK\x03\x04" + b"\x00" * 100, "application/zip"),
        ("surat.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"),
    ],
    ids=["html-named-pdf", "zip", "exe"],
)
def test_evidence_of_another_type_is_refused_and_nothing_stored(
    employee_client, employee, admin_user, media_files, name, content, content_type
):
    before = media_files()

    response = _appeal(
        employee_client, employee, admin_user, SimpleUploadedFile(name, content, content_type)
    )

    assert response.status_code == 200
    with translation.override("id"):
        expected = str(MSG_EVIDENCE_NOT_ALLOWED)
    assert response.context["form"].errors["evidence"] == [expected]
    assert not Appeal.objects.exists()
    assert media_files() == before


def test_pdf_evidence_is_stored_under_a_server_name_and_served_as_a_download(
    employee_client, employee, admin_user
):
    response = _appeal(
        employee_client,
        employee,
        admin_user,
        SimpleUploadedFile("../../surat cuti.html", PDF_BYTES, "text/html"),
    )

    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert STORED.match(appeal.evidence.name) and appeal.evidence.name.endswith(".pdf")
    assert appeal.evidence.name.endswith(f"/{hashlib.sha256(PDF_BYTES).hexdigest()}.pdf")

    served = employee_client.get(reverse("portal:appeal_evidence", args=[appeal.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == (
        f'attachment; filename="bukti-sanggahan-{appeal.pk}.pdf"'
    )
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(served.streaming_content) == PDF_BYTES


def test_image_evidence_is_re_encoded(employee_client, employee, admin_user):
    response = _appeal(
        employee_client,
        employee,
        admin_user,
        SimpleUploadedFile("bukti.svg", png_with_script(), "image/svg+xml"),
    )

    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert STORED.match(appeal.evidence.name) and appeal.evidence.name.endswith(".png")
    with appeal.evidence.open("rb") as f:
        assert b"<script" not in f.read()
    served = employee_client.get(reverse("portal:appeal_evidence", args=[appeal.pk]))
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith("inline")


@pytest.fixture
def appeal_with_evidence(employee_client, employee, admin_user):
    response = _appeal(
        employee_client, employee, admin_user, SimpleUploadedFile("s.pdf", PDF_BYTES)
    )
    assert response.status_code == 302
    return Appeal.objects.get()


def _operator_of(code: str, username: str):
    user = UserFactory(username=username, role=roles.UNIT_OPERATOR)
    UnitOperator.objects.create(user=user, work_unit=WorkUnit.objects.get(code=code))
    return user


def test_evidence_is_reachable_only_by_those_who_may_see_the_appeal(
    client, appeal_with_evidence, other_employee, verifier, employee
):
    url = reverse("portal:appeal_evidence", args=[appeal_with_evidence.pk])
    other_unit = "DINKES" if employee.work_unit.code != "DINKES" else "BPKAD"
    expected = {
        other_employee.user: 404,
        _operator_of(other_unit, "operator-lain"): 404,
        _operator_of(employee.work_unit.code, "operator-sendiri"): 200,
        verifier: 200,
        employee.user: 200,
    }
    seen = {}
    for user in expected:
        client.force_login(user)
        seen[user] = client.get(url).status_code
    assert seen == expected
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_evidence_is_not_served_under_media(client, appeal_with_evidence, admin_user, settings):
    client.force_login(admin_user)
    assert client.get(settings.MEDIA_URL + appeal_with_evidence.evidence.name).status_code == 404


def test_desk_links_to_the_scoped_view_not_to_media(client, appeal_with_evidence, admin_user):
    client.force_login(admin_user)
    html = client.get(
        reverse("admin:compliance_appeal_change", args=[appeal_with_evidence.pk])
    ).content.decode()
    assert reverse("portal:appeal_evidence", args=[appeal_with_evidence.pk]) in html
    assert "/media/" not in html
    assert appeal_with_evidence.evidence.name not in html
