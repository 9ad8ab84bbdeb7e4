"""Celery tasks: thin wrappers that run services under the job lock (see jobs.py)."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from ebakul.core.errors import DomainError
from ebakul.core.periods import current_period, previous_period

from . import services
from .jobs import run_job
from .models import PeriodStatus
from .reminders import due_reminders, send_reminders
from .selectors import period_get_or_create

JOB_COMPUTE = "compute_period"
JOB_LOCK = "lock_period"
JOB_SIMULATE = "simulate_period"
JOB_REMINDERS = "reminders"
PROGRESS_TIMEOUT = 2 * 60 * 60  # seconds, as long as the job lock


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


def progress_key(job: str, period: str) -> str:
    return f"compliance:progress:{job}:{period}"


def read_progress(job: str, period: str) -> dict | None:
    """The last stage a running job reported: {"stage", "done", "total"} (or None)."""
    return cache.get(progress_key(job, period))


STEPS = {
    "simulate": (JOB_SIMULATE, "simulate"),
    "compute": (JOB_COMPUTE, "compute"),
    "lock": (JOB_LOCK, "lock"),
}


@shared_task(name="ebakul.compliance.tasks.run_period_step")
def run_period_step(step: str, period: str, actor_id: int | None = None) -> dict:
    """One step started from the period control page (ADR 0100), under the job lock, recorded
    in ``JobRun``; its stages go to the cache so the page can show the progress. A refusal of
    the service is recorded in the run (in the person's words), not raised."""
    from django.contrib.auth import get_user_model

    job, _name = STEPS[step]
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    key = progress_key(job, period)

    def progress(stage: str, done: int, total: int) -> None:
        cache.set(key, {"stage": stage, "done": done, "total": total}, PROGRESS_TIMEOUT)

    def fn():
        if step == "simulate":
            return services.simulate_period(period=period, actor=actor, progress=progress)
        if step == "compute":
            return services.compute_period(period=period, actor=actor, progress=progress)
        return services.lock_period(period=period, actor=actor, progress=progress)

    try:
        run = run_job(job=job, period=period, actor=actor, fn=fn)
    except DomainError:
        return {"status": "failed"}
    finally:
        cache.delete(key)
    return {"status": run.status, **run.stats}


@shared_task(name="ebakul.compliance.tasks.close_due_periods")
def close_due_periods() -> list[dict]:
    """Compute periods whose verification close has passed (once), lock those whose appeal
    close has passed. Safe to run often: each step is idempotent and locked."""
    now = timezone.now()
    done = []
    for period in sorted(_recent_periods()):
        p = period_get_or_create(period)
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
