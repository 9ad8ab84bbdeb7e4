"""The beat schedule of the outbox sweep (created when missing, never overwritten)."""

import json

from django.utils.translation import gettext_noop

SCHEDULES = {
    gettext_noop("eBakul: deliver queued messages (retries and missed ones)"): (
        "ebakul.notifications.tasks.deliver_due",
        60,
    ),
}


def load(log=print) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    made = 0
    for name, (task, seconds) in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
        PeriodicTask.objects.create(
            name=name, task=task, interval=every, args=json.dumps([]), enabled=True
        )
        made += 1
    log(f"notifications reference: {made} schedules created")
