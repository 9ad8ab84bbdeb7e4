"""The appeal page in the desk (no bulk decisions any more) and the appeal's state on the
employee's home page."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ebakul.compliance import services
from ebakul.compliance.models import Appeal

from . import remedy_world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(ref, employee_user, admin_user):
    appellant, period, _shop, _rejected = w.computed_shortfall(
        employee_user, admin_user, second_status="rejected"
    )
    a = services.appeal_create(
        employee=appellant,
        period=period,
        reason="Nota kedua ditolak padahal sah",
        evidence=ContentFile(b"%PDF-1.4 surat", name="surat.pdf"),
        actor=employee_user,
    )
    return a


@pytest.fixture
def desk(client, verifier):
    client.force_login(verifier)
    return client


def test_the_appeal_page_shows_result_purchases_reason_and_evidence(desk, appeal):
    response = desk.get(reverse("admin:compliance_appeal_change", args=[appeal.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for p in appeal.employee.purchases.all():
        assert p.document_number in html
        assert reverse("portal:receipt", args=[p.pk]) in html
    assert "Ditolak" in html  # the rejected purchase is listed too
    assert "Nota kedua ditolak padahal sah" in html
    assert "Rp300.000" in html  # the deduction
    evidence_url = reverse("portal:appeal_evidence", args=[appeal.pk])
    assert evidence_url in html
    evidence = desk.get(evidence_url)
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content).startswith(b"%PDF")
    assert 'id="appeal-decide"' in html


def test_no_bulk_decisions_in_the_appeal_list(desk, appeal):
    response = desk.get(reverse("admin:compliance_appeal_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "accept_action" not in html and "reject_action" not in html
    response = desk.post(
        reverse("admin:compliance_appeal_changelist"),
        {"action": "accept_action", "_selected_action": [appeal.pk]},
    )
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"


def test_the_page_shows_the_services_refusal_and_changes_nothing(desk, appeal):
    url = reverse("admin:compliance_appeal_change", args=[appeal.pk])
    response = desk.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 200
    assert "Tulis catatan" in response.content.decode()
    response = desk.post(url, {"decision": "accept", "note": "Benar"})
    assert "harus disertai tindak lanjut" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"


def test_accepting_with_a_reduction_on_the_page(desk, appeal, verifier):
    url = reverse("admin:compliance_appeal_change", args=[appeal.pk])
    response = desk.post(
        url,
        {
            "decision": "accept",
            "note": "Nota sah, aplikasi sempat gangguan",
            "remedy": "reduction",
            "amount": "100000",
            "reason": "Gangguan aplikasi",
        },
    )
    assert response.status_code == 302
    decided = Appeal.objects.get(pk=appeal.pk)
    assert (decided.status, decided.remedy, decided.decided_by, decided.deduction_after) == (
        "accepted",
        "reduction",
        verifier,
        200_000,
    )
    page = desk.get(url).content.decode()
    assert 'data-status="accepted"' in page and "Rp200.000" in page
    assert 'id="appeal-decide"' not in page


def test_another_unit_operator_cannot_open_the_evidence(client, appeal):
    from ebakul.accounts import roles
    from ebakul.employees.models import UnitOperator, WorkUnit
    from tests.factories import UserFactory

    operator = UserFactory(username="op-disdik", role=roles.UNIT_OPERATOR)
    UnitOperator.objects.create(user=operator, work_unit=WorkUnit.objects.get(code="DISDIK"))
    client.force_login(operator)
    response = client.get(reverse("portal:appeal_evidence", args=[appeal.pk]))
    assert response.status_code in (403, 404)


# --- the employee's home page -----------------------------------------------------------------


def test_home_shows_the_pending_appeal_instead_of_inviting_another(client, employee_user, appeal):
    client.force_login(employee_user)
    html = client.get(reverse("portal:employee_home")).content.decode()
    assert 'id="appeal-state" data-state="pending"' in html
    assert "sedang diperiksa verifikator" in html
    assert reverse("portal:appeal") not in html
    assert "sanggahan sedang diperiksa" in html  # in the monthly results
    # the appeal form itself sends the employee home
    response = client.get(reverse("portal:appeal"))
    assert response.status_code == 302


def test_home_shows_the_decision_note_and_new_deduction(client, employee_user, appeal, verifier):
    services.appeal_decide(
        appeal=appeal,
        accept=True,
        note="Nota sah",
        actor=verifier,
        remedy="reduction",
        amount=100_000,
        reason="Gangguan",
    )
    client.force_login(employee_user)
    html = client.get(reverse("portal:employee_home")).content.decode()
    assert 'id="appeal-state" data-state="accepted"' in html
    assert "diterima" in html and "Nota sah" in html
    assert "Rp200.000" in html and "Rp300.000" in html
    assert reverse("portal:appeal") not in html
    assert "sanggahan diterima" in html


def test_home_shows_a_rejection(client, employee_user, appeal, verifier):
    services.appeal_decide(appeal=appeal, accept=False, note="Bukti tidak terbaca", actor=verifier)
    client.force_login(employee_user)
    html = client.get(reverse("portal:employee_home")).content.decode()
    assert 'data-state="rejected"' in html and "Bukti tidak terbaca" in html
    assert reverse("portal:appeal") not in html


def test_adjustments_are_listed_read_only_in_the_desk(client, admin_user, appeal, verifier):
    services.appeal_decide(
        appeal=appeal,
        accept=True,
        note="Nota sah",
        actor=verifier,
        remedy="reduction",
        amount=100_000,
        reason="Gangguan aplikasi",
    )
    client.force_login(admin_user)
    page = client.get(reverse("admin:compliance_deductionadjustment_changelist"))
    assert page.status_code == 200
    assert "Gangguan aplikasi" in page.content.decode() and "Rp100.000" in page.content.decode()
    assert client.get(reverse("admin:compliance_deductionadjustment_add")).status_code == 403
