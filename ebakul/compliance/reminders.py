"""Reminders to employees below target: mid-month and three days before the submission close.

Idempotent per (employee, period, kind) through ``ReminderLog``'s unique constraint."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ebakul.core.money import format_rupiah
from ebakul.core.periods import WIB, current_period, previous_period, today_wib
from ebakul.core.services import notify
from ebakul.employees.models import Employee
from ebakul.notifications.services import batch as outbox_batch

from . import engine
from .models import ComplianceStatus, PeriodStatus, ReminderKind, ReminderLog
from .selectors import period_get_or_create

MID_MONTH_DAY = 15
DAYS_BEFORE_CLOSE = 3
MSG_TITLE = _("eBakul: your spending for %(period)s is below the minimum")
MSG_BODY = _(
    "You have %(verified)s verified (and %(pending)s pending) of the %(required)s required for "
    "%(period)s. Submissions close on %(close)s WIB."
)


@transaction.atomic
def send_reminders(*, period: str, kind: str) -> dict:
    """Notify (in the app and by email) every employee of ``period`` who is below target and has
    not had this kind of reminder yet. A bounded number of queries plus one notification per
    employee reminded."""
    p = period_get_or_create(period)
    if p.status == PeriodStatus.LOCKED:
        return {"period": period, "kind": kind, "sent": 0, "skipped": True}
    rows = engine.evaluate(period=p, rule=engine.rule_for_period(period))
    below = {r.employee_id: r for r in rows if r.status == ComplianceStatus.SHORTFALL}
    done = set(
        ReminderLog.objects.filter(period=period, kind=kind).values_list("employee_id", flat=True)
    )
    todo = [e for e in below if e not in done]
    ReminderLog.objects.bulk_create(
        [ReminderLog(employee_id=e, period=period, kind=kind) for e in todo],
        ignore_conflicts=True,
        batch_size=5000,
    )
    close = p.submission_close.astimezone(WIB).strftime("%d-%m-%Y %H:%M")
    sent = 0
    # The e-mails go out in batched delivery tasks after commit (ADR 0300), not one by one.
    with outbox_batch():
        for emp in Employee.objects.filter(id__in=todo, user__isnull=False).select_related("user"):
            r = below[emp.pk]
            notify(
                user=emp.user,
                title=MSG_TITLE % {"period": period},
                body=MSG_BODY
                % {
                    "verified": format_rupiah(r.verified_spend),
                    "pending": format_rupiah(r.pending_spend),
                    "required": format_rupiah(r.required_spend),
                    "period": period,
                    "close": close,
                },
                url="/",
                kind=f"reminder_{kind}",
                email=True,
            )
            sent += 1
    return {"period": period, "kind": kind, "below": len(below), "sent": sent}


def due_reminders(today: dt.date | None = None) -> list[tuple[str, str]]:
    """Which (period, kind) reminders are due today (WIB)."""
    today = today or today_wib()
    due = []
    for period in {current_period(), previous_period(current_period())}:
        p = period_get_or_create(period)
        if p.status == PeriodStatus.LOCKED:
            continue
        first = dt.date(int(period[:4]), int(period[5:]), 1)
        if today == first.replace(day=MID_MONTH_DAY):
            due.append((period, ReminderKind.MID_MONTH.value))
        close_day = p.submission_close.astimezone(WIB).date()
        if today == close_day - dt.timedelta(days=DAYS_BEFORE_CLOSE):
            due.append((period, ReminderKind.BEFORE_CLOSE.value))
    return sorted(due)
