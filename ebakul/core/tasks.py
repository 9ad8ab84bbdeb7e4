"""Celery tasks of the core app: housekeeping of what the other apps keep in core's stores, and
the sweeper of jobs the broker did not take at commit (ADR 0310)."""

from celery import shared_task

from . import dispatch
from .uploads import pending_sweep

SWEEP_TASK = "ebakul.core.tasks.sweep_queued_jobs"


@shared_task(name="ebakul.core.tasks.sweep_pending_uploads")
def sweep_pending_uploads() -> dict:
    """Delete pending uploads (photos kept after a validation error) older than their maximum
    age (docs/adr/0160, 0133)."""
    return {"deleted": pending_sweep()}


@shared_task(name=SWEEP_TASK)
def sweep_queued_jobs() -> dict:
    return dispatch.sweep()
