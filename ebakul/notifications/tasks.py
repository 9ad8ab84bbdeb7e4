"""Delivery tasks. The state is in the outbox rows, so a lost or repeated task loses or
duplicates nothing: a row is claimed before it is sent, and the sweep picks up the rest."""

from celery import shared_task

from . import services


@shared_task(name="ebakul.notifications.tasks.deliver_messages", ignore_result=True)
def deliver_messages(ids: list[int]) -> dict:
    return services.deliver(list(ids))


@shared_task(name="ebakul.notifications.tasks.deliver_due", ignore_result=True)
def deliver_due() -> dict:
    """Every minute (beat): what is due now, and sent messages past their keeping time."""
    counts = services.deliver_due()
    counts["pruned"] = services.prune_sent()
    return counts
