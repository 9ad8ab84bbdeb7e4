"""Issue 11, item 8: the demo keeps its last closed month in the appeal window (extended through
the audited period update) with one pending appeal, so the appeal journey can be tried."""

import datetime as dt

from ebakul.accounts import roles
from ebakul.compliance.models import Appeal, ComplianceEvent, Period
from ebakul.core.periods import WIB, current_period, period_first_day, previous_period
from ebakul.demo import seeder as demo
from tests import clock


def test_demo_last_closed_month_is_in_its_appeal_window_with_a_pending_appeal(ref):
    # The 20th: the previous month's appeal close (the 12th) has passed, so it must be extended.
    day = period_first_day(current_period()).replace(day=20)
    with clock.travel(dt.datetime.combine(day, dt.time(12), tzinfo=WIB)):
        demo.mark_demo_database(note="tests")
        ctx = demo.seed_all(employees=30, merchants=10, log=lambda _m: None)
        now = ctx.now
    current = ctx.periods[-1]
    last_closed = previous_period(current)
    older = previous_period(last_closed)

    p = Period.objects.get(period=last_closed)
    assert p.status == "computed" and p.appeal_close > now
    assert p.appeal_close.astimezone(WIB).date() == day + dt.timedelta(days=7)
    assert Period.objects.get(period=older).status == "locked"
    assert Period.objects.get(period=current).status == "open"

    # Audited: an event and a history row by the demo administrator.
    admin = ctx.users[roles.ADMIN][0]
    event = ComplianceEvent.objects.get(kind="period_updated", period=last_closed)
    assert event.actor == admin and "appeal_close" in event.data
    assert p.history.filter(history_user=admin).exists()

    appeal = Appeal.objects.get(period=last_closed)
    assert appeal.status == "pending" and appeal.employee.user_id
