"""Celery tasks of the core app: housekeeping of what the other apps keep in core's stores."""

from celery import shared_task

from .uploads import pending_sweep


@shared_task(name="ebakul.core.tasks.sweep_pending_uploads")
def sweep_pending_uploads() -> dict:
    """Delete pending uploads (photos kept after a validation error) older than their maximum
    age (docs/adr/0160, 0133)."""
    return {"deleted": pending_sweep()}
