"""The beat schedule of the heartbeat (created when missing, never overwritten)."""

from django.utils.translation import gettext_noop

from ebakul.core.reference import ensure_schedules

SCHEDULES = {
    gettext_noop("eBakul: heartbeat (proves the scheduler and a worker run)"): (
        "ebakul.monitoring.tasks.heartbeat",
        60,
    ),
}


def load(log=print) -> None:
    made = ensure_schedules(SCHEDULES)
    log(f"monitoring reference: {made} schedules created")
