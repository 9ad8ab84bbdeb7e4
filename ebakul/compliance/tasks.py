"""Celery tasks: thin wrappers that run services under the job lock (see jobs.py)."""

from celery import shared_task
from django.utils import timezone

from ebakul.core.periods import current_period, previous_period

from . import services
from .jobs import run_job
from .models import PeriodStatus
from .reminders import due_reminders, send_reminders
from .selectors import period_get_or_default

JOB_COMPUTE = "compute_period"
JOB_LOCK = "lock_period"
JOB_REMINDERS = "reminders"


def _recent_periods(n: int = 3) -> list[str]:
    out, p = [], current_period()
    for _ in range(n):
        p = previous_period(p)
        out.append(p)
    return out


@shared_task(name="ebakul.compliance.tasks.compute_period")
def compute_period_task(period: str) -> dict:
    run = run_job(job=JOB_COMPUTE, period=period, fn=lambda: services.compute_period(period=period))
    return {"status": run.status, **run.stats}


@shared_task(name="ebakul.compliance.tasks.lock_period")
def lock_period_task(period: str) -> dict:
    run = run_job(job=JOB_LOCK, period=period, fn=lambda: services.lock_period(period=period))
    return {"status": run.status, **run.stats}


@shared_task(name="ebakul.compliance.tasks.close_due_periods")
def close_due_periods() -> list[dict]:
    """Compute periods whose verification close has passed (once), lock those whose appeal
    close has passed. Safe to run often: each step is idempotent and locked."""
    now = timezone.now()
    done = []
    for period in sorted(_recent_periods()):
        p = period_get_or_default(period)
        if p.status == PeriodStatus.OPEN and now >= p.verification_close and now < p.appeal_close:
            done.append(compute_period_task(period))
        if p.status != PeriodStatus.LOCKED and now >= p.appeal_close:
            done.append(lock_period_task(period))
    return done


@shared_task(name="ebakul.compliance.tasks.send_due_reminders")
def send_due_reminders() -> list[dict]:
    out = []
    for period, kind in due_reminders():
        run = run_job(
            job=f"{JOB_REMINDERS}:{kind}",
            period=period,
            fn=lambda period=period, kind=kind: send_reminders(period=period, kind=kind),
        )
        out.append({"status": run.status, **run.stats})
    return out
