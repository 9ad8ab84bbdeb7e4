"""One way to start background work from a write: after the transaction commits.

``dispatch(task, *args, **kwargs)`` records the job (a ``QueuedJob`` row in the current
transaction) and sends it to the queue once that transaction has committed (at once outside a
transaction). Every write path that starts background work (receipt fingerprints, OCR,
notifications) calls this instead of ``task.delay`` (issue 16, ADR 0310):

- the broker is away at commit: the write still succeeds; the row stays unsent and the
  sweeper (``core.tasks.sweep_queued_jobs``, every minute by beat) sends it when the broker is
  back. Nothing is lost.
- each row is sent under its row lock (``SELECT … FOR UPDATE SKIP LOCKED``) and marked sent in
  the same transaction, so the commit-time send and the sweeper never both send it. The Celery
  task id is ``ebakul-job-<row id>`` on every send.
- a rolled-back write leaves neither the row nor a send.

Arguments must be JSON values (ids, strings), as Celery's JSON serializer needs anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from .models import QueuedJob

log = logging.getLogger("ebakul.jobs")

# What a send raises when the broker cannot be reached (kombu wraps the transport's errors).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, OSError)
SWEEP_GRACE = dt.timedelta(seconds=5)  # leave a just-committed job to its commit-time send
SWEEP_BATCH = 200
KEEP_SENT = dt.timedelta(days=14)


def dispatch(task: Any, *args: Any, **kwargs: Any) -> QueuedJob:
    job = QueuedJob.objects.create(task=task.name, args=list(args), kwargs=dict(kwargs))
    transaction.on_commit(lambda: send_job(job.pk))
    return job


def _celery_app():
    from celery import current_app

    return current_app


def _publish(job: QueuedJob) -> None:
    app = _celery_app()
    task = app.tasks.get(job.task)
    options = {"task_id": job.task_id, "retry": False}
    if task is not None:
        # apply_async honours CELERY_TASK_ALWAYS_EAGER (tests, the SQLite demo).
        task.apply_async(args=job.args, kwargs=job.kwargs, **options)
    else:
        app.send_task(job.task, args=job.args, kwargs=job.kwargs, **options)


def send_job(pk: int) -> bool:
    """Send one unsent job under its row lock; True when the broker took it. A broker error is
    recorded on the row (the sweeper tries again), never raised to the write that made it."""
    with transaction.atomic():
        job = (
            QueuedJob.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if job is None:  # sent already, or being sent by someone else right now
            return False
        job.attempts += 1
        try:
            _publish(job)
        except Exception as exc:  # noqa: BLE001 - whatever the broker did, the write stands
            job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            job.save(update_fields=["attempts", "last_error"])
            if isinstance(exc, BROKER_ERRORS):
                log.warning("job %s not sent (broker unreachable): %s", job, job.last_error)
            else:  # e.g. a closed connection pool: kept for the sweeper like a broker outage
                log.exception("job %s not sent: %s", job, job.last_error)
            return False
        job.sent_at = timezone.now()
        job.save(update_fields=["attempts", "sent_at"])
        return True


def unsent_jobs(*, older_than: dt.timedelta = SWEEP_GRACE):
    return QueuedJob.objects.filter(
        sent_at__isnull=True, created_at__lte=timezone.now() - older_than
    ).order_by("created_at", "pk")


def sweep(*, older_than: dt.timedelta = SWEEP_GRACE) -> dict:
    """Send the jobs the broker did not take at commit, oldest first; stop at the first broker
    error (it is still away). Forget sent jobs after ``KEEP_SENT``."""
    sent = failed = 0
    while True:
        ids = list(unsent_jobs(older_than=older_than).values_list("pk", flat=True)[:SWEEP_BATCH])
        progressed = False
        for pk in ids:
            if send_job(pk):
                sent += 1
                progressed = True
            elif QueuedJob.objects.filter(pk=pk, sent_at__isnull=True).exists():
                failed += 1
                break
        if failed or not progressed or len(ids) < SWEEP_BATCH:
            break
    pruned, _ = QueuedJob.objects.filter(
        sent_at__isnull=False, sent_at__lt=timezone.now() - KEEP_SENT
    ).delete()
    left = QueuedJob.objects.filter(sent_at__isnull=True).count()
    return {"sent": sent, "failed": failed, "pruned": pruned, "unsent": left}
