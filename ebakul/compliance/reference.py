"""Default spending rule and the django-celery-beat schedules of the compliance jobs.

Created when missing, never overwritten: administrators edit both in the desk."""

import datetime as dt

from django.utils.translation import gettext_noop

from ebakul.core import reference as core_reference

from .models import SpendingRule

DEFAULT_RULE_FROM = dt.date(2025, 1, 1)

# name → (task, crontab fields). Times are WIB (CELERY_TIMEZONE = Asia/Jakarta). The names are
# keys (existing databases find their jobs by them); the desk shows their Indonesian
# (``core.admin.PeriodicTaskDeskAdmin``), hence ``gettext_noop``.
SCHEDULES = {
    gettext_noop(
        "eBakul: close due periods (compute at verification close, lock at appeal close)"
    ): (
        "ebakul.compliance.tasks.close_due_periods",
        {"minute": "5", "hour": "*"},
    ),
    gettext_noop("eBakul: spending reminders"): (
        "ebakul.compliance.tasks.send_due_reminders",
        {"minute": "0", "hour": "8"},
    ),
}


def load(log=print) -> None:
    from .rules import generated_name

    rule = SpendingRule(effective_from=DEFAULT_RULE_FROM, rate_bp=1000, floor_amount=300_000)
    _rule, created = SpendingRule.objects.get_or_create(
        effective_from=DEFAULT_RULE_FROM,
        defaults={
            "name": generated_name(rule),  # "10% dari pagu TPP, minimal Rp300.000, sejak …"
            "rate_bp": 1000,
            "floor_amount": 300_000,
        },
    )
    made = ensure_schedules()
    log(f"compliance reference: rule {'created' if created else 'kept'}, {made} schedules created")


def ensure_schedules() -> int:
    return core_reference.ensure_schedules(SCHEDULES)
