"""The beat schedule of the outbox sweep (created when missing, never overwritten)."""

from django.utils.translation import gettext_noop

from ebakul.core.reference import ensure_schedules

SCHEDULES = {
    gettext_noop("eBakul: deliver queued messages (retries and missed ones)"): (
        "ebakul.notifications.tasks.deliver_due",
        60,
    ),
}


def load(log=print) -> None:
    made = ensure_schedules(SCHEDULES)
    log(f"notifications reference: {made} schedules created")
