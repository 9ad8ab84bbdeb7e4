import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ebakul.compliance import reference, tasks
from ebakul.compliance.jobs import MSG_JOB_RUNNING, lock_key, run_job
from ebakul.compliance.models import JobRun, MonthlyCompliance, Period, ReminderLog, TppDeduction
from ebakul.compliance.reminders import due_reminders, send_reminders
from ebakul.core.models import Notification
from ebakul.core.periods import WIB, current_period, period_first_day, previous_period
from tests import clock

from .conftest import PERIOD, YEAR, wib


@pytest.fixture(autouse=True)
def _clear_locks():
    cache.delete_many([lock_key(j, PERIOD) for j in ("compute_period", "lock_period", "t")])
    yield
    cache.delete_many([lock_key(j, PERIOD) for j in ("compute_period", "lock_period", "t")])


def test_second_concurrent_run_is_refused_and_does_nothing(ctx):
    calls = []
    assert cache.add(lock_key("t", PERIOD), "other-worker", timeout=60)  # a run in progress
    run = run_job(job="t", period=PERIOD, fn=lambda: calls.append(1) or {})
    assert (run.status, calls) == ("refused", [])
    assert run.message == str(MSG_JOB_RUNNING % {"job": "t"})
    cache.delete(lock_key("t", PERIOD))
    run = run_job(job="t", period=PERIOD, fn=lambda: calls.append(1) or {"n": 1})
    assert (run.status, run.stats, calls) == ("success", {"n": 1}, [1])
    assert cache.get(lock_key("t", PERIOD)) is None


def test_failed_run_is_recorded_releases_the_lock_and_can_be_rerun(ctx):
    def boom():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_job(job="t", period=PERIOD, fn=boom)
    failed = JobRun.objects.get(job="t")
    assert failed.status == "failed" and "disk full" in failed.message
    assert cache.get(lock_key("t", PERIOD)) is None
    assert run_job(job="t", period=PERIOD, fn=lambda: {"ok": 1}).status == "success"


def test_crashed_run_left_running_is_marked_failed_by_the_next(ctx):
    stale = JobRun.objects.create(
        job="t", period=PERIOD, status="running", started_at=timezone.now()
    )
    run_job(job="t", period=PERIOD, fn=lambda: {})
    stale.refresh_from_db()
    assert stale.status == "failed" and stale.finished_at is not None


def test_close_due_periods_computes_then_locks(ctx, monkeypatch):
    # The scheduler's "current month" is the month before today's, so the month before it is
    # past its appeal close (the 12th of the "current" month) and the one before that too.
    current = previous_period(current_period())
    to_lock = previous_period(current)
    to_compute = previous_period(to_lock)
    e = ctx.employee()
    ctx.backdate(e, wib(YEAR - 3, 1, 1))
    ctx.buy(e, 100_000, at=_noon(to_lock, 10))
    ctx.buy(e, 100_000, at=_noon(to_compute, 10))
    monkeypatch.setattr(tasks, "current_period", lambda: current)
    # verification closed on the 7th of "current", appeals closed on the 12th → computed and
    # locked.
    tasks.close_due_periods()
    assert Period.objects.get(period=to_lock).status == "locked"
    assert TppDeduction.objects.get(employee=e, period=to_lock).status == "final"
    # Now set the month before it in its appeal window: computed only.
    Period.objects.filter(period=to_compute).update(
        status="open", appeal_close=timezone.now() + dt.timedelta(days=1)
    )
    tasks.close_due_periods()
    assert Period.objects.get(period=to_compute).status == "computed"
    runs = set(JobRun.objects.values_list("job", "period", "status"))
    assert ("lock_period", to_lock, "success") in runs
    assert ("compute_period", to_compute, "success") in runs


def _noon(period, day):
    return dt.datetime.combine(period_first_day(period).replace(day=day), dt.time(12), tzinfo=WIB)


def test_close_month_and_lock_month_commands(ctx, capsys):
    e = ctx.employee()
    ctx.buy(e, 100_000)
    with clock.after_verification_close(PERIOD):
        call_command("close_month", PERIOD)
    out = capsys.readouterr().out
    assert f"compute_period {PERIOD}: success" in out and "employees: 1" in out
    assert MonthlyCompliance.objects.get(employee=e).shortfall == 400_000
    with clock.after_verification_close(PERIOD):
        call_command("lock_month", PERIOD)
    assert Period.objects.get(period=PERIOD).status == "locked"
    with pytest.raises(CommandError):
        call_command("close_month", PERIOD)  # locked
    with pytest.raises(CommandError):
        call_command("close_month", f"{YEAR}-13")
    cache.add(lock_key("lock_period", PERIOD), "x", timeout=60)
    with pytest.raises(CommandError):
        call_command("lock_month", PERIOD)


def test_reminders_go_once_to_employees_below_target(
    ctx, employee_user, django_capture_on_commit_callbacks
):
    below = employee_user.employee  # class 7 default: requires 385.473
    ctx.buy(below, 100_000)
    fine = ctx.employee(user=type(employee_user).objects.create(username="ok", email="ok@x.id"))
    ctx.buy(fine, 500_000)
    with django_capture_on_commit_callbacks(execute=True):
        stats = send_reminders(period=PERIOD, kind="mid_month")
    assert stats["sent"] == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["pegawai1"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [employee_user.email]
    with django_capture_on_commit_callbacks(execute=True):
        again = send_reminders(period=PERIOD, kind="mid_month")
    assert again["sent"] == 0
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)
    assert ReminderLog.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(period=PERIOD, kind="before_close")["sent"] == 1


def test_due_reminders_dates(ref, monkeypatch):
    import ebakul.compliance.reminders as r

    monkeypatch.setattr(r, "current_period", lambda: PERIOD)
    assert due_reminders(dt.date(YEAR, 1, 15)) == [(PERIOD, "mid_month")]
    assert due_reminders(dt.date(YEAR, 1, 31)) == [(PERIOD, "before_close")]  # 3 Feb − 3
    assert due_reminders(dt.date(YEAR, 1, 16)) == []


def test_reference_seeds_rule_and_schedules_idempotently(ref):
    from django_celery_beat.models import PeriodicTask

    from ebakul.compliance.models import SpendingRule

    reference.load(log=lambda _m: None)
    reference.load(log=lambda _m: None)
    assert SpendingRule.objects.filter(effective_from=reference.DEFAULT_RULE_FROM).count() == 1
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "ebakul.compliance.tasks.close_due_periods",
        "ebakul.compliance.tasks.send_due_reminders",
    } <= names
    assert PeriodicTask.objects.filter(task__startswith="ebakul.compliance").count() == 2
