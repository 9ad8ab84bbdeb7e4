from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .selectors import HEARTBEAT_KEY


@shared_task(name="ebakul.monitoring.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Sent by beat every minute, run by a worker: proves beat, the broker and a worker work."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=24 * 3600)
    return now
