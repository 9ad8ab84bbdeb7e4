"""The outbox: queue messages in the event's transaction, deliver them after commit.

* ``queue_message`` writes one row per configured channel the user has an address on, and
  starts delivery after commit (``core.dispatch``), or, inside ``batch()``, collects the rows,
  bulk-inserts them when the batch ends and starts one delivery task per ``BATCH_SIZE``
  messages (reminders: thousands of mails, a few dozen tasks, one SMTP connection per task).
* ``deliver`` claims rows (so two workers never send the same row at once), hands them to the
  channel, and records what the channel answered: ``sent`` only for an accepted message; a
  failure is retried with back-off until ``MAX_ATTEMPTS``, then ``failed`` with the error.
* ``deliver_due`` (every minute from beat) picks up what is due: retries, messages whose task
  was lost (broker away), and claims of a worker that died while sending.
* ``resend`` (administrators, from the desk) queues failed messages again.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.dispatch import dispatch
from ebakul.core.errors import PermissionDeniedError

from .channels import configured_channels
from .models import OutboxMessage, OutboxState

log = logging.getLogger("ebakul.notifications")

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = (60, 300, 900, 3600, 4 * 3600)  # after attempt 1, 2, ...
CLAIM_SECONDS = 300  # a worker that dies while sending releases its rows after this
BATCH_SIZE = 200
KEEP_SENT_DAYS = 90  # sent messages (addresses, texts: personal data) are kept this long
MSG_RESEND_ADMIN_ONLY = _("Only an administrator may send messages again.")

_batch: contextvars.ContextVar[list[OutboxMessage] | None] = contextvars.ContextVar(
    "outbox_batch", default=None
)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after ``attempts`` failed tries."""
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def _start_delivery(ids: list[int]) -> None:
    from .tasks import deliver_messages

    for i in range(0, len(ids), BATCH_SIZE):
        dispatch(deliver_messages, ids[i : i + BATCH_SIZE])


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Collect the messages queued inside, write them with one bulk insert per thousand when the
    block ends (still inside the caller's transaction), and start one delivery task per
    ``BATCH_SIZE`` messages after commit. If the block raises, nothing is written or started."""
    if _batch.get() is not None:  # nested: the outer batch writes and delivers
        yield
        return
    rows: list[OutboxMessage] = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    written = OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    _start_delivery([r.pk for r in written])


def queue_message(*, user, subject: str, body: str = "", kind: str = "") -> list[OutboxMessage]:
    """One queued message per configured channel on which ``user`` has an address."""
    rows = []
    for channel in configured_channels().values():
        address = channel.address(user)
        if not address:
            continue
        rows.append(
            OutboxMessage(
                user=user,
                channel=channel.name,
                recipient=address,
                subject=str(subject)[:200],
                body=str(body),
                kind=kind[:40],
            )
        )
    collecting = _batch.get()
    if collecting is not None:
        collecting.extend(rows)
        return rows
    for row in rows:
        row.save()
    if rows:
        _start_delivery([r.pk for r in rows])
    return rows


def on_notification_requested(sender, *, user, title, body="", url="", kind="", **kwargs):
    queue_message(user=user, subject=title, body=body, kind=kind)


def _due(now) -> Q:
    return Q(state=OutboxState.QUEUED, next_attempt_at__lte=now) | Q(
        state=OutboxState.SENDING, claimed_until__lt=now
    )


def _claim(ids: list[int]) -> list[OutboxMessage]:
    """Mark the due rows among ``ids`` as being sent by this worker; return them."""
    now = timezone.now()
    token = uuid.uuid4().hex
    OutboxMessage.objects.filter(_due(now), id__in=ids).update(
        state=OutboxState.SENDING,
        claim_token=token,
        claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS),
    )
    return list(OutboxMessage.objects.filter(claim_token=token, state=OutboxState.SENDING))


def _record(message: OutboxMessage, error: str) -> None:
    now = timezone.now()
    mine = OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token)
    attempts = message.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        mine.update(
            state=OutboxState.FAILED, attempts=attempts, last_error=error, claimed_until=None
        )
        log.error(
            "outbox message failed for good",
            extra={"outbox_id": message.pk, "channel": message.channel, "error": error},
        )
        return
    mine.update(
        state=OutboxState.QUEUED,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + backoff(attempts),
        claimed_until=None,
    )
    log.warning(
        "outbox message not delivered, will retry",
        extra={"outbox_id": message.pk, "attempts": attempts, "error": error},
    )


def deliver(ids: list[int]) -> dict[str, int]:
    """Send the due messages among ``ids``; returns counts by outcome."""
    claimed = _claim(ids)
    by_channel: dict[str, list[OutboxMessage]] = defaultdict(list)
    for m in claimed:
        by_channel[m.channel].append(m)
    channels = configured_channels()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for name, messages in by_channel.items():
        channel = channels.get(name)
        results: dict[int, str | None]
        if channel is None:
            results = {m.pk: f"The channel {name!r} is not configured." for m in messages}
        else:
            results = channel.send(messages)
        accepted = []
        for m in messages:
            error = results.get(m.pk, "The channel gave no answer for this message.")
            if error is None:
                accepted.append(m)
                continue
            _record(m, error)
            counts["failed" if m.attempts + 1 >= MAX_ATTEMPTS else "retry"] += 1
        if accepted:
            # One update for every accepted message still carrying this worker's claim.
            OutboxMessage.objects.filter(
                pk__in=[m.pk for m in accepted], claim_token=accepted[0].claim_token
            ).update(
                state=OutboxState.SENT, sent_at=timezone.now(), last_error="", claimed_until=None
            )
            counts["sent"] += len(accepted)
    return counts


def deliver_due(limit: int = 2000) -> dict[str, int]:
    """Deliver what is due now (retries, lost tasks, expired claims), in batches."""
    ids = list(
        OutboxMessage.objects.filter(_due(timezone.now()))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    total = {"sent": 0, "retry": 0, "failed": 0}
    for i in range(0, len(ids), BATCH_SIZE):
        for k, v in deliver(ids[i : i + BATCH_SIZE]).items():
            total[k] += v
    return total


def prune_sent(*, now=None) -> int:
    """Delete sent messages older than ``KEEP_SENT_DAYS`` (failed ones stay until resent)."""
    now = now or timezone.now()
    old = OutboxMessage.objects.filter(
        state=OutboxState.SENT, sent_at__lt=now - dt.timedelta(days=KEEP_SENT_DAYS)
    )
    deleted, _ = old.delete()
    return deleted


@transaction.atomic
def resend(*, actor, message_ids: list[int]) -> int:
    """Queue failed messages again (a fresh set of attempts); administrators only."""
    if not roles.is_admin(actor):
        raise PermissionDeniedError(MSG_RESEND_ADMIN_ONLY)
    ids = list(
        OutboxMessage.objects.filter(id__in=message_ids, state=OutboxState.FAILED).values_list(
            "id", flat=True
        )
    )
    OutboxMessage.objects.filter(id__in=ids).update(
        state=OutboxState.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    log.info("outbox messages queued again", extra={"count": len(ids), "actor": actor.pk})
    _start_delivery(ids)
    return len(ids)
