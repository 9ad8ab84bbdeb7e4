"""Running a compliance job once at a time, with its outcome recorded in ``JobRun``.

The lock is a Redis key taken with ``cache.add`` (atomic SET NX with a time-out): a second run
while the first holds it is refused and recorded as such. A crashed run leaves its key until the
time-out, and its JobRun row "running"; the next run that gets the lock marks such rows failed.
See ADR 0034.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import ConflictError, DomainError

from .models import JobRun, JobRunStatus

log = logging.getLogger(__name__)
job_log = logging.getLogger("ebakul.jobs")  # one line per start and outcome (ADR 0301)


def lock_timeout() -> int:
    """Seconds; longer than any close we measured (see bench/RESULTS.md). A crashed run's lock
    expires after this (``EBAKUL_JOB_LOCK_SECONDS``, default 2 hours)."""
    return settings.EBAKUL_JOB_LOCK_SECONDS


MSG_JOB_RUNNING = _("Job %(job)s is already running; try again when it has finished.")
MSG_INTERRUPTED = _("Interrupted (the process stopped before finishing).")


def lock_key(job: str, period: str = "") -> str:
    return f"compliance:job:{job}:{period}"


def run_job(*, job: str, period: str = "", fn, actor=None, raise_refused: bool = False) -> JobRun:
    """Run ``fn()`` (returning a stats dict) under the job lock and record the run."""
    key = lock_key(job, period)
    token = uuid.uuid4().hex
    started = timezone.now()
    if not cache.add(key, token, timeout=lock_timeout()):
        run = JobRun.objects.create(
            job=job,
            period=period,
            status=JobRunStatus.REFUSED,
            started_at=started,
            finished_at=started,
            message=str(MSG_JOB_RUNNING % {"job": job}),
            actor=actor,
        )
        job_log.warning("job refused: already running", extra={"job": job, "period": period})
        if raise_refused:
            raise ConflictError(MSG_JOB_RUNNING % {"job": job})
        return run
    try:
        JobRun.objects.filter(job=job, period=period, status=JobRunStatus.RUNNING).update(
            status=JobRunStatus.FAILED, finished_at=started, message=str(MSG_INTERRUPTED)
        )
        run = JobRun.objects.create(
            job=job, period=period, status=JobRunStatus.RUNNING, started_at=started, actor=actor
        )
        job_log.info("job started", extra={"job": job, "period": period, "run": run.pk})
        try:
            stats = fn() or {}
        except DomainError as exc:
            # A refusal of the service (too early, locked, no rule): its own message, in the
            # language of the person who asked, not a traceback.
            run.status = JobRunStatus.FAILED
            run.message = str(exc.message)[:2000]
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "message", "finished_at"])
            job_log.warning(
                "job refused by the service",
                extra={"job": job, "period": period, "run": run.pk, "reason": run.message},
            )
            raise
        except Exception as exc:
            run.status = JobRunStatus.FAILED
            run.message = f"{type(exc).__name__}: {exc}"[:2000]
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "message", "finished_at"])
            log.exception("compliance job %s %s failed", job, period)
            raise
        run.status = JobRunStatus.SKIPPED if stats.get("skipped") else JobRunStatus.SUCCESS
        run.stats = stats
        run.finished_at = timezone.now()
        run.message = f"{(run.finished_at - started).total_seconds():.1f}s"
        run.save(update_fields=["status", "stats", "finished_at", "message"])
        job_log.info(
            "job finished",
            extra={
                "job": job,
                "period": period,
                "run": run.pk,
                "status": run.status,
                "duration_seconds": (run.finished_at - started).total_seconds(),
            },
        )
        return run
    finally:
        if cache.get(key) == token:
            cache.delete(key)
