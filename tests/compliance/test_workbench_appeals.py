"""Appeals in the review workbench (issue 13, docs/adr/0132): a verifier's pending appeals are
tasks beside purchases and merchants, with the evidence large and the result beside it; the
decision goes through ``appeal_decide`` (same refusals, same history) and the next task opens;
nobody sees or decides an appeal about themselves."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ebakul.compliance import services
from ebakul.compliance.models import Appeal, ComplianceEvent
from ebakul.workflow import review
from tests.testing.images import receipt_upload

from . import remedy_world as w

pytestmark = pytest.mark.django_db


def _appeal(employee_user, admin_user, *, evidence):
    appellant, period, _shop, _rejected = w.computed_shortfall(
        employee_user, admin_user, second_status="rejected"
    )
    return services.appeal_create(
        employee=appellant,
        period=period,
        reason="Nota kedua ditolak padahal sah",
        evidence=evidence,
        actor=employee_user,
    )


@pytest.fixture
def appeal(ref, employee_user, admin_user):
    return _appeal(employee_user, admin_user, evidence=receipt_upload(seed=4242))


@pytest.fixture
def desk(client, verifier):
    client.force_login(verifier)
    return client


def _task_url(appeal):
    return reverse("workbench:task", args=["sanggahan", appeal.pk])


def test_the_workbench_opens_the_appeal_with_its_evidence_large(desk, appeal):
    response = desk.get(reverse("workbench:start"))
    assert response["Location"] == _task_url(appeal)
    html = desk.get(_task_url(appeal)).content.decode()
    evidence_url = reverse("portal:appeal_evidence", args=[appeal.pk])
    assert f'id="wb-receipt" src="{evidence_url}"' in html  # zoom, rotate, full screen
    assert 'data-tool="rotate"' in html
    assert "Nota kedua ditolak padahal sah" in html
    assert 'id="wb-panel-appeal-result"' in html and "Rp300.000" in html  # the deduction
    for p in appeal.employee.purchases.all():
        assert p.document_number in html
    assert 'data-key="V"' in html and 'data-key="T"' in html
    assert desk.get(evidence_url).status_code == 200


def test_a_pdf_evidence_is_a_link_not_an_image(desk, ref, employee_user, admin_user):
    pdf = _appeal(employee_user, admin_user, evidence=ContentFile(b"%PDF-1.4 x", name="s.pdf"))
    html = desk.get(_task_url(pdf)).content.decode()
    assert 'id="wb-evidence-pdf"' in html and 'id="wb-receipt"' not in html


def test_rejecting_in_the_workbench_goes_through_the_service(desk, appeal, verifier):
    # the service's refusal is shown and changes nothing
    response = desk.post(
        reverse("workbench:act", args=["sanggahan", appeal.pk]), {"decision": "reject"}
    )
    assert response["Location"] == _task_url(appeal)
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"

    response = desk.post(
        reverse("workbench:act", args=["sanggahan", appeal.pk]),
        {"decision": "reject", "note": "Bukti tidak terbaca"},
    )
    assert response["Location"] == reverse("workbench:start")  # nothing else waiting
    decided = Appeal.objects.get(pk=appeal.pk)
    assert (decided.status, decided.decision_note, decided.decided_by) == (
        "rejected",
        "Bukti tidak terbaca",
        verifier,
    )
    assert ComplianceEvent.objects.filter(kind="appeal_rejected", data__appeal=appeal.pk).exists()
    assert decided.history.count() >= 2
    # decided: no longer a task
    assert desk.get(_task_url(appeal)).status_code == 403


def test_accepting_with_a_reduction_in_the_workbench(desk, appeal):
    desk.post(
        reverse("workbench:act", args=["sanggahan", appeal.pk]),
        {
            "decision": "accept",
            "remedy": "reduction",
            "amount": "100000",
            "reason": "Gangguan aplikasi",
            "note": "Nota sah",
        },
    )
    decided = Appeal.objects.get(pk=appeal.pk)
    assert (decided.status, decided.remedy, decided.deduction_after) == (
        "accepted",
        "reduction",
        200_000,
    )


def test_nobody_gets_their_own_appeal_as_a_task(client, ref, admin_user):
    from tests.factories import EmployeeFactory

    # a verifier who is also an employee appeals: it is not in their queue and not theirs to open
    EmployeeFactory(user=admin_user, tpp_ceiling=w.CEILING)
    own = _appeal(admin_user, admin_user, evidence=None)
    client.force_login(admin_user)
    assert client.get(reverse("workbench:start")).status_code == 200  # the empty queue
    assert client.get(_task_url(own)).status_code == 403
    response = client.post(
        reverse("workbench:act", args=["sanggahan", own.pk]),
        {"decision": "reject", "note": "Tidak"},
    )
    assert response.status_code == 403
    assert Appeal.objects.get(pk=own.pk).status == "pending"


def test_an_employee_or_operator_cannot_open_or_decide_appeals(client, appeal, employee_user):
    client.force_login(employee_user)
    for response in (
        client.get(_task_url(appeal)),
        client.post(
            reverse("workbench:act", args=["sanggahan", appeal.pk]),
            {"decision": "reject", "note": "Tidak"},
        ),
    ):
        assert response.status_code in (302, 403, 404)
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"


def test_panels_are_a_list_per_document_type_others_can_extend():
    templates = [p.template for p in review._PANELS["purchases.purchase"]]
    assert templates[:2] == [
        "workflow/workbench/panels/purchase_claim.html",
        "workflow/workbench/panels/purchase_others.html",
    ]
    assert [p.template for p in review._PANELS["compliance.appeal"]] == [
        "compliance/workbench/appeal_result.html",
        "compliance/workbench/appeal_purchases.html",
    ]
    key = "tests.thing"
    try:
        review.add_panel(key, "a.html")
        review.add_panel(key, "integrity/signals_panel.html", lambda d, u: {"n": d})
        review.add_panel(key, "integrity/signals_panel.html", lambda d, u: {"n": d + 1})
        assert review.panels_for(key, 3, None) == [
            {"template": "a.html", "context": {}},
            {"template": "integrity/signals_panel.html", "context": {"n": 4}},  # replaced
        ]
    finally:
        review._PANELS.pop(key, None)


def test_the_appeal_task_speaks_indonesian(desk, appeal):
    import re

    html = desk.get(_task_url(appeal)).content.decode()
    text = re.sub(r"<[^>]+>", " ", html.split('id="workbench"', 1)[1])
    for word in ("Evidence", "Remedy", "Accept", "Reject", "Purchases of", "deduction", "Skip"):
        assert word not in text, word
    assert "tindak lanjut" in text.lower() and "Tolak" in text and "Lewati" in text
