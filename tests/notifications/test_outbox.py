"""The outbox (issue 16, ADR 0300): written in the event's transaction, delivered after commit
through a real SMTP server, retried with back-off, failed with the error, resent by an
administrator, reminders batched."""

import datetime as dt

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from ebakul.core.errors import PermissionDeniedError
from ebakul.core.models import Notification
from ebakul.core.services import notify
from ebakul.notifications import services
from ebakul.notifications.models import OutboxMessage, OutboxState
from ebakul.notifications.tasks import deliver_due
from tests.clock import travel
from tests.factories import UserFactory
from tests.notifications.conftest import Mailbox

pytestmark = pytest.mark.django_db


def _notify(user, title="Pembelian diverifikasi"):
    notify(user=user, title=title, body="Isi pesan", kind="test", email=True)


def test_a_committed_event_queues_then_sends_through_smtp(
    ref, smtp, django_capture_on_commit_callbacks
):
    user = UserFactory(email="pegawai@example.invalid")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _notify(user)
        # Inside the transaction: queued, not yet sent, nothing has left.
        row = OutboxMessage.objects.get()
        assert (row.state, row.channel, row.recipient) == ("queued", "email", user.email)
        assert smtp.received == []
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and row.sent_at is not None and row.last_error == ""
    assert [e.rcpt_tos for e in smtp.received] == [[user.email]]
    assert smtp.subjects() == ["Pembelian diverifikasi"]
    assert Notification.objects.filter(user=user).count() == 1


def test_a_rolled_back_event_queues_and_sends_nothing(
    ref, smtp, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(user)
        raise RuntimeError("the event failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()
    assert smtp.received == []


def test_in_app_only_and_no_address_queue_nothing(ref, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=UserFactory(), title="Hanya di aplikasi")
        _notify(UserFactory(email=""))
    assert Notification.objects.count() == 2
    assert not OutboxMessage.objects.exists() and smtp.received == []


def test_a_refused_message_is_retried_with_backoff_and_sent_later(
    ref, smtp, django_capture_on_commit_callbacks
):
    user = UserFactory()
    smtp.reject = True
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    row = OutboxMessage.objects.get()
    assert row.state == OutboxState.QUEUED and row.attempts == 1 and row.sent_at is None
    assert "550" in row.last_error
    assert row.next_attempt_at >= timezone.now() + dt.timedelta(seconds=50)
    # Not due yet: the sweep leaves it alone.
    assert deliver_due.apply().get() == {"sent": 0, "retry": 0, "failed": 0, "pruned": 0}
    smtp.reject = False
    with travel(row.next_attempt_at + dt.timedelta(seconds=1)):
        assert deliver_due.apply().get()["sent"] == 1
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and row.attempts == 1
    assert len(smtp.received) == 1


def test_after_the_last_attempt_the_message_fails_with_the_error_and_an_admin_resends_it(
    ref, smtp_down, admin_user, verifier, django_capture_on_commit_callbacks, settings
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    row = OutboxMessage.objects.get()
    moment = timezone.now()
    for _ in range(services.MAX_ATTEMPTS - 1):
        moment = row.next_attempt_at + dt.timedelta(seconds=1)
        with travel(moment):
            deliver_due.apply()
        row.refresh_from_db()
    assert row.state == OutboxState.FAILED and row.attempts == services.MAX_ATTEMPTS
    assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
    assert row.sent_at is None
    # Nobody but an administrator resends; the refusal changes nothing.
    with pytest.raises(PermissionDeniedError):
        services.resend(actor=verifier, message_ids=[row.pk])
    row.refresh_from_db()
    assert row.state == OutboxState.FAILED
    # The mail server is back; the administrator resends.
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_down)
    controller.start()
    try:
        with travel(moment), django_capture_on_commit_callbacks(execute=True):
            assert services.resend(actor=admin_user, message_ids=[row.pk]) == 1
    finally:
        controller.stop()
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and row.attempts == 0
    assert [e.rcpt_tos for e in box.received] == [[user.email]]


def test_a_claimed_message_is_not_sent_twice_until_the_claim_expires(ref, smtp):
    user = UserFactory()
    row = OutboxMessage.objects.create(
        user=user, channel="email", recipient=user.email, subject="Satu kali"
    )
    claimed = services._claim([row.pk])
    assert [m.pk for m in claimed] == [row.pk]
    # Another worker (or the sweep) finds nothing to send while the claim holds.
    assert services.deliver([row.pk]) == {"sent": 0, "retry": 0, "failed": 0}
    assert services.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert smtp.received == []
    # The first worker died; after the claim expires the sweep sends it, once.
    with travel(timezone.now() + dt.timedelta(seconds=services.CLAIM_SECONDS + 5)):
        assert services.deliver_due()["sent"] == 1
        assert services.deliver_due()["sent"] == 0
    assert len(smtp.received) == 1
    row.refresh_from_db()
    assert row.state == OutboxState.SENT


def test_a_batch_starts_one_task_per_batch_size(
    ref, smtp, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    users = [UserFactory() for _ in range(7)]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
        services.batch(),
    ):
        for u in users:
            _notify(u, title=f"Pengingat {u.username}")
    assert len(callbacks) == 3  # 3 + 3 + 1 messages
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 7
    assert sorted(r for e in smtp.received for r in e.rcpt_tos) == sorted(u.email for u in users)


def test_sent_messages_are_pruned_after_the_keeping_time_failed_ones_stay(ref, smtp):
    user = UserFactory()
    now = timezone.now()
    old = now - dt.timedelta(days=services.KEEP_SENT_DAYS + 1)
    recent = now - dt.timedelta(days=services.KEEP_SENT_DAYS - 1)
    rows = {
        name: OutboxMessage.objects.create(
            user=user, channel="email", recipient=user.email, subject=name, state=state,
            sent_at=sent_at,
        )
        for name, state, sent_at in [
            ("old-sent", OutboxState.SENT, old),
            ("recent-sent", OutboxState.SENT, recent),
            ("old-failed", OutboxState.FAILED, None),
        ]
    }  # fmt: skip
    OutboxMessage.objects.filter(pk=rows["old-failed"].pk).update(created_at=old)
    assert deliver_due.apply().get()["pruned"] == 1
    assert set(OutboxMessage.objects.values_list("subject", flat=True)) == {
        "recent-sent",
        "old-failed",
    }
