"""A Celery worker (a real ``celery -A ebakul worker`` process on a private Redis) killed with
SIGKILL in the middle of the scheduled close: the job's lock expires, the next run completes
the close, and the run log shows both runs (issue 16, ADR 0034)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from ebakul.compliance.jobs import MSG_INTERRUPTED, lock_key
from ebakul.compliance.models import JobRun, MonthlyCompliance, Period
from ebakul.compliance.selectors import period_get_or_create
from ebakul.compliance.tasks import JOB_COMPUTE, _recent_periods, close_due_periods
from ebakul.core.periods import WIB, current_period, period_first_day, previous_period
from tests.compliance.conftest import Ctx
from tests.factories import verified_merchant

from .conftest import celery_broker
from .services import Worker, database_url_of, django_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

LOCK_SECONDS = 6


def _world(period: str, n: int = 12) -> None:
    start = dt.datetime.combine(period_first_day(period), dt.time(8), tzinfo=WIB)
    ctx = Ctx()
    ctx.merchant = verified_merchant(since=start - dt.timedelta(days=365))
    for i in range(n):
        employee = ctx.employee()
        ctx.backdate(employee, start - dt.timedelta(days=365))
        ctx.buy(employee, 150_000 * (i + 1), at=start + dt.timedelta(days=9, hours=4))
    # The close is due for ``period`` (verification closed, appeals open); older periods are
    # already locked, so the scheduled job has exactly one thing to do.
    for other in _recent_periods():
        period_get_or_create(other)
        if other != period:
            Period.objects.filter(period=other).update(status="locked")
    now = timezone.now()
    Period.objects.filter(period=period).update(
        verification_close=now - dt.timedelta(hours=1), appeal_close=now + dt.timedelta(days=5)
    )


def test_worker_killed_mid_close_lock_expires_and_next_run_completes(
    ref, private_redis, settings, tmp_path
):
    period = previous_period(current_period())
    _world(period)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "ebakul",
        }
    }
    env = django_env(
        database_url=database_url_of(connection.settings_dict),
        redis_url=private_redis.url,
        EBAKUL_JOB_LOCK_SECONDS=str(LOCK_SECONDS),
        EBAKUL_CACHE_PREFIX="ebakul",
    )
    key = lock_key(JOB_COMPUTE, period)
    runs = JobRun.objects.filter(job=JOB_COMPUTE, period=period).order_by("pk")

    with celery_broker(private_redis.url):
        first = Worker(env, tmp_path / "worker-1.log").start()
        try:
            # Hold the period row so the close stops in the middle: lock taken, run recorded.
            with transaction.atomic():
                Period.objects.select_for_update().get(period=period)
                close_due_periods.apply_async()  # as beat sends it
                wait_until(lambda: runs.filter(status="running").exists(), timeout=120, what="run")
                assert cache.get(key)  # the worker holds the job lock
                first.kill()  # SIGKILL: no finally, no clean-up
        finally:
            first.stop()
        assert first.proc.returncode == -9
        assert cache.get(key)  # the dead worker's lock is still there ...
        assert list(runs.values_list("status", flat=True)) == ["running"]
        assert not MonthlyCompliance.objects.filter(period=period).exists()

        # ... until it expires.
        wait_until(lambda: cache.get(key) is None, timeout=LOCK_SECONDS + 10, what="expiry")

        # The worker is back (systemd restarts it); the next beat tick runs the close again.
        second = Worker(env, tmp_path / "worker-2.log").start()
        try:
            close_due_periods.apply_async()
            wait_until(
                lambda: runs.filter(status="success").exists(), timeout=120, what="the re-run"
            )
        finally:
            second.stop()

    first_run, second_run = runs
    assert (first_run.status, first_run.message) == ("failed", str(MSG_INTERRUPTED))
    assert second_run.status == "success" and second_run.stats["employees"] == 12
    assert MonthlyCompliance.objects.filter(period=period).count() == 12
    assert Period.objects.get(period=period).status == "computed"
    assert cache.get(key) is None
