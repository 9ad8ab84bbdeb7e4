"""Core background tasks: the sweeper of jobs the broker did not take at commit (ADR 0310)."""

from celery import shared_task

from . import dispatch

SWEEP_TASK = "ebakul.core.tasks.sweep_queued_jobs"


@shared_task(name=SWEEP_TASK)
def sweep_queued_jobs() -> dict:
    return dispatch.sweep()
