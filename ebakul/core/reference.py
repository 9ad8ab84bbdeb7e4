"""Reference data loading. Each domain app may have a ``reference.py`` with ``load(stdout)``;
``manage.py setup_reference`` runs them in app order. Loaders create what is missing and never
overwrite what administrators have edited, so running them again is harmless."""

import json
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_noop

FIXTURES_DIR = settings.BASE_DIR / "fixtures"


def read_fixture(name: str) -> list[dict]:
    with open(FIXTURES_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


# The sweeper of background jobs the broker did not take at commit (core.dispatch, ADR 0310).
SWEEP_SCHEDULE_NAME = gettext_noop("eBakul: send background jobs the queue did not take")
SWEEP_EVERY_SECONDS = 60

# The beat jobs of the core app, created when missing like the compliance ones
# (``compliance.reference.SCHEDULES``): name (shown translated in the desk) -> (task, crontab
# fields in WIB, or a number of seconds for a job that runs every so often).
SCHEDULES = {
    gettext_noop("eBakul: delete expired pending uploads"): (
        "ebakul.core.tasks.sweep_pending_uploads",
        {"minute": "30", "hour": "2"},
    ),
    SWEEP_SCHEDULE_NAME: ("ebakul.core.tasks.sweep_queued_jobs", SWEEP_EVERY_SECONDS),
}


def ensure_schedules(schedules: dict | None = None) -> int:
    """Create the beat job of each schedule whose name does not exist yet (never overwrite what
    administrators edited in the desk). Returns how many were created."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    made = 0
    for name, (task, when) in (SCHEDULES if schedules is None else schedules).items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if isinstance(when, int):
            every, _ = IntervalSchedule.objects.get_or_create(
                every=when, period=IntervalSchedule.SECONDS
            )
            timing = {"interval": every}
        else:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone="Asia/Jakarta",
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                **when,
            )
            timing = {"crontab": crontab}
        PeriodicTask.objects.create(
            name=name, task=task, args=json.dumps([]), enabled=True, **timing
        )
        made += 1
    return made


def run_all(log=print) -> None:
    made = ensure_schedules()
    log(f"core reference: {made} schedules created")
    for config in apps.get_app_configs():
        if not config.name.startswith("ebakul.") or config.name == "ebakul.core":
            continue
        try:
            module = import_module(f"{config.name}.reference")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.reference":
                raise
            continue
        module.load(log=log)
