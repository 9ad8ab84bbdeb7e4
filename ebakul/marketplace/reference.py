"""Reference data of the marketplace: search synonyms (data, editable in the desk) and the
schedule of the order time-outs. Creates what is missing, never overwrites edits."""

import json

from django.utils.translation import gettext_noop

from ebakul.core.reference import read_fixture

from .models import SearchSynonym
from .normalise import normalise_synonym_key, tokens

SCHEDULES = {
    gettext_noop("eBakul: order time-outs"): (
        "ebakul.marketplace.tasks.orders_time_out",
        {"minute": "*/15", "hour": "*"},
    ),
}


def load(log=print) -> None:
    made = 0
    for row in read_fixture("search_synonyms.json"):
        _obj, created = SearchSynonym.objects.get_or_create(
            term=normalise_synonym_key(row["term"]),
            defaults={"canonical": " ".join(tokens(row["canonical"]))},
        )
        made += created
    log(f"marketplace: {made} search synonyms added")
    log(f"marketplace: {ensure_schedules()} schedules added")


def ensure_schedules() -> int:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    made = 0
    for name, (task, cron) in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            timezone="Asia/Jakarta", day_of_week="*", day_of_month="*", month_of_year="*", **cron
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, args=json.dumps([]), enabled=True
        )
        made += 1
    return made
