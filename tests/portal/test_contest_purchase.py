"""Contest a rejected purchase (docs/adr/0112): the employee sees the reason next to "Ditolak",
asks for a review with a comment and optional new evidence within the period's appeal window,
and the purchase goes back to a verifier who did not reject it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ebakul.accounts import roles
from ebakul.compliance.models import Period, PeriodStatus
from ebakul.compliance.selectors import default_calendar
from ebakul.core.errors import DomainError, PermissionDeniedError
from ebakul.core.models import Notification
from ebakul.purchases.models import Purchase
from ebakul.purchases.services import purchase_contest
from ebakul.workflow import services as wf
from ebakul.workflow.models import Assignment, RefusalReason, WorkflowEvent
from tests.factories import PurchaseFactory, UserFactory
from tests.testing.images import receipt_upload


@pytest.fixture
def rejected(employee, shop, verifier):
    """A purchase of the logged-in employee, rejected by ``verifier`` with a listed reason."""
    purchase = PurchaseFactory(
        employee=employee,
        merchant=shop,
        status="merchant_confirmed",
        created_by=employee.user,
    )
    reason = RefusalReason.objects.filter(kind="purchase_reject").order_by("order").first()
    wf.apply_action(
        document=purchase,
        action="reject",
        actor=verifier,
        reason=reason,
        comment="angka pada nota 15.000",
    )
    purchase.refresh_from_db()
    purchase.reason_label = reason.label
    return purchase


@pytest.fixture
def other_verifier(ref):
    return UserFactory(username="verifikator2", role=roles.VERIFIER)


def _close_appeal_window(purchase, *, status=PeriodStatus.COMPUTED):
    """The period's appeal window ended a minute ago (relative to the real clock)."""
    now = timezone.now()
    Period.objects.update_or_create(
        period=purchase.period,
        defaults={
            "status": status,
            "submission_close": now - dt.timedelta(days=2),
            "verification_close": now - dt.timedelta(days=1),
            "appeal_close": now - dt.timedelta(minutes=1),
        },
    )


def _state(purchase):
    p = Purchase.objects.get(pk=purchase.pk)
    return (
        p.status,
        p.decision_reason,
        bool(p.contest_evidence),
        WorkflowEvent.objects.filter(object_id=p.pk, document_type="purchases.purchase").count(),
        list(
            Assignment.objects.filter(object_id=p.pk, document_type="purchases.purchase")
            .order_by("id")
            .values_list("assignee_id", "active")
        ),
    )


def test_the_employee_sees_the_reason_next_to_rejected(employee_client, rejected):
    detail = employee_client.get(reverse("portal:purchase_detail", args=[rejected.pk]))
    html = detail.content.decode()
    assert "Ditolak" in html
    assert 'id="decision-reason"' in html
    assert f"{rejected.reason_label}: angka pada nota 15.000" in html
    listing = employee_client.get(reverse("portal:purchase_list")).content.decode()
    assert f"{rejected.reason_label}: angka pada nota 15.000" in listing
    # Inside the appeal window the employee is offered a review.
    assert 'id="contest"' in html and "Minta tinjau ulang" in html


def test_the_merchant_sees_the_reason_on_its_sales(merchant_client, rejected):
    html = merchant_client.get(reverse("portal:merchant_sales")).content.decode()
    assert "Alasan penolakan" in html
    assert f"{rejected.reason_label}: angka pada nota 15.000" in html


def test_the_merchant_registration_status_shows_the_reason(client, ref, merchant_user, verifier):
    from tests.factories import MerchantFactory

    merchant = MerchantFactory(user=merchant_user, status="submitted")
    reason = RefusalReason.objects.filter(kind="merchant_reject").order_by("order").first()
    wf.apply_action(document=merchant, action="reject", actor=verifier, reason=reason)
    client.force_login(merchant_user)
    html = client.get(reverse("portal:merchant_home")).content.decode()
    assert "Ditolak" in html and reason.label in html


def test_contest_goes_to_a_verifier_who_did_not_reject_it(
    employee_client, rejected, verifier, other_verifier, django_capture_on_commit_callbacks
):
    evidence = receipt_upload(seed=99, name="nota-jelas.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = employee_client.post(
            reverse("portal:purchase_contest", args=[rejected.pk]),
            {"comment": "Nota aslinya Rp50.000, foto baru terlampir", "evidence": evidence},
        )
    assert response.status_code == 302
    purchase = Purchase.objects.get(pk=rejected.pk)
    assert purchase.status == "contested"
    assert purchase.contest_evidence
    # The rejection stays on record; the contest is an audited workflow event.
    assert purchase.decision_reason.endswith("angka pada nota 15.000")
    event = WorkflowEvent.objects.filter(object_id=purchase.pk, action="contest").get()
    assert (event.from_state, event.to_state, event.actor) == (
        "rejected",
        "contested",
        purchase.employee.user,
    )
    assert event.comment == "Nota aslinya Rp50.000, foto baru terlampir"
    assignment = Assignment.objects.get(
        document_type="purchases.purchase", object_id=purchase.pk, active=True
    )
    assert assignment.assignee == other_verifier
    assert Notification.objects.filter(user=other_verifier, kind="workflow_task").exists()
    # The verifier sees the new evidence through the private view; strangers do not.
    employee_client.force_login(other_verifier)
    url = reverse("portal:contest_evidence", args=[purchase.pk])
    assert employee_client.get(url).status_code == 200


def test_contest_without_another_verifier_goes_to_an_admin(rejected, admin_user, employee):
    purchase_contest(purchase=rejected, actor=employee.user, comment="Mohon diperiksa lagi")
    assignment = Assignment.objects.get(
        document_type="purchases.purchase", object_id=rejected.pk, active=True
    )
    assert assignment.assignee == admin_user


def test_another_verifier_can_then_verify_it(rejected, other_verifier, employee):
    purchase_contest(purchase=rejected, actor=employee.user, comment="Mohon diperiksa lagi")
    wf.apply_action(document=rejected, action="verify", actor=other_verifier)
    assert Purchase.objects.get(pk=rejected.pk).status == "verified"


def test_contest_needs_a_comment_in_the_service(rejected, employee, other_verifier):
    before = _state(rejected)
    with pytest.raises(DomainError) as exc:
        purchase_contest(purchase=rejected, actor=employee.user, comment="   ")
    assert exc.value.code == "comment_required"
    assert _state(rejected) == before


def test_contest_without_a_comment_is_refused_by_the_engine_too(rejected, employee):
    before = _state(rejected)
    with pytest.raises(DomainError) as exc:
        wf.apply_action(document=rejected, action="contest", actor=employee.user)
    assert exc.value.code == "reason_required"
    assert _state(rejected) == before


def test_contest_outside_the_appeal_window_is_refused(employee_client, rejected, employee):
    _close_appeal_window(rejected)
    before = _state(rejected)
    html = employee_client.get(reverse("portal:purchase_detail", args=[rejected.pk])).content
    assert b'id="contest"' not in html
    response = employee_client.post(
        reverse("portal:purchase_contest", args=[rejected.pk]), {"comment": "Tolong ditinjau"}
    )
    assert response.status_code == 400
    assert "masa sanggahan periode belanja ini masih terbuka" in response.content.decode()
    assert _state(rejected) == before
    with pytest.raises(PermissionDeniedError):
        purchase_contest(purchase=rejected, actor=employee.user, comment="Tolong ditinjau")
    assert _state(rejected) == before


def test_contest_of_a_locked_period_is_refused(rejected, employee):
    now = timezone.now()
    Period.objects.update_or_create(
        period=rejected.period,
        defaults={
            **default_calendar(rejected.period),
            "status": PeriodStatus.LOCKED,
            "locked_at": now,
        },
    )
    before = _state(rejected)
    with pytest.raises(PermissionDeniedError):
        purchase_contest(purchase=rejected, actor=employee.user, comment="Tolong ditinjau")
    assert _state(rejected) == before


def test_a_purchase_is_contested_only_once(rejected, employee, other_verifier):
    purchase_contest(purchase=rejected, actor=employee.user, comment="Mohon diperiksa lagi")
    wf.apply_action(
        document=rejected, action="reject", actor=other_verifier, comment="Tetap tidak sesuai"
    )
    before = _state(rejected)
    with pytest.raises(PermissionDeniedError):
        purchase_contest(purchase=rejected, actor=employee.user, comment="Sekali lagi")
    assert _state(rejected) == before


def test_only_the_employee_may_contest(rejected, merchant_user, other_verifier):
    before = _state(rejected)
    for actor in (merchant_user, other_verifier):
        with pytest.raises(PermissionDeniedError):
            purchase_contest(purchase=rejected, actor=actor, comment="Mohon diperiksa lagi")
    assert _state(rejected) == before


def test_contest_with_a_file_that_is_not_an_image_changes_nothing(
    employee_client, rejected, other_verifier
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = _state(rejected)
    response = employee_client.post(
        reverse("portal:purchase_contest", args=[rejected.pk]),
        {
            "comment": "Foto baru",
            "evidence": SimpleUploadedFile("nota.jpg", b"bukan gambar", "image/jpeg"),
        },
    )
    assert response.status_code == 400
    assert _state(rejected) == before


def test_another_employee_cannot_contest(client, rejected, other_employee):
    client.force_login(other_employee.user)
    before = _state(rejected)
    response = client.post(
        reverse("portal:purchase_contest", args=[rejected.pk]), {"comment": "Bukan milik saya"}
    )
    assert response.status_code == 404
    assert _state(rejected) == before
