"""Redis (a private instance) stopped while employees submit purchases through the portal: the
submissions succeed, their background work is recorded with them, and once Redis is back the
sweeper sends it and a real worker runs each job exactly once (ADR 0310)."""

import datetime as dt
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from ebakul.core.dispatch import SWEEP_GRACE, dispatch
from ebakul.core.models import QueuedJob
from ebakul.core.periods import WIB
from ebakul.core.reference import SWEEP_SCHEDULE_NAME
from ebakul.core.tasks import SWEEP_TASK
from ebakul.purchases.models import Purchase
from tests.factories import EmployeeFactory, UserFactory, verified_merchant
from tests.testing.images import receipt_upload

from .conftest import celery_broker
from .services import Worker, database_url_of, django_env, wait_until
from .tasks import record_purchase

pytestmark = pytest.mark.django_db(transaction=True)


def _form(merchant, seed):
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    return {
        "merchant": merchant.pk,
        "purchased_at": when.strftime("%Y-%m-%dT%H:%M"),
        "amount": "75.000",
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": receipt_upload(seed=seed),
    }


@pytest.fixture
def purchase_work(tmp_path, monkeypatch):
    """Each new purchase starts background work through core.dispatch, as fingerprints, OCR
    and notifications do. The real receipt work (purchases.hooks) is set aside so that this
    stand-in, which records each run, is the only job of a purchase."""
    from ebakul.purchases import hooks

    monkeypatch.setattr(hooks, "_STORED", {})
    trace = tmp_path / "runs.txt"
    trace.touch()

    def on_save(sender, instance, created, **kwargs):
        if created:
            dispatch(record_purchase, instance.pk, str(trace))

    post_save.connect(on_save, sender=Purchase, dispatch_uid="faults-purchase-work")
    yield trace
    post_save.disconnect(sender=Purchase, dispatch_uid="faults-purchase-work")


def _runs(trace: Path) -> list[str]:
    return trace.read_text().splitlines()


def test_submissions_succeed_without_redis_and_their_work_runs_once_it_is_back(
    client, ref, merchant_user, private_redis, purchase_work, settings, tmp_path
):
    from ebakul.accounts import roles

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    shop = verified_merchant(user=merchant_user, business_name="Warung Bu Sri")
    employees = [
        EmployeeFactory(user=UserFactory(username=f"pegawai-f{i}", role=roles.EMPLOYEE))
        for i in range(3)
    ]
    worker = Worker(
        django_env(
            database_url=database_url_of(connection.settings_dict),
            redis_url=private_redis.url,
        ),
        tmp_path / "worker.log",
    )
    with celery_broker(private_redis.url):
        # Redis is up: a submission's work is sent at commit.
        client.force_login(employees[0].user)
        response = client.post(reverse("portal:purchase_new"), _form(shop, seed=1))
        assert response.status_code == 302, response.content[:500]
        first = QueuedJob.objects.get()
        assert first.sent_at is not None and first.attempts == 1

        # Redis goes away; employees keep submitting.
        private_redis.stop()
        for i, employee in enumerate(employees):
            client.force_login(employee.user)
            started = time.monotonic()
            response = client.post(reverse("portal:purchase_new"), _form(shop, seed=10 + i))
            took = time.monotonic() - started
            assert response.status_code == 302, response.content[:500]
            assert response["Location"].endswith("/kirim/")
            # The dead broker costs one quick failed connection, not seconds of retries.
            assert took < 3, f"submission took {took:.1f} s without Redis"
        assert Purchase.objects.count() == 4
        waiting = QueuedJob.objects.filter(sent_at__isnull=True)
        assert waiting.count() == 3
        assert all(job.attempts == 1 and "Error" in job.last_error for job in waiting)

        # A sweep while Redis is still away sends nothing and loses nothing.
        from ebakul.core.dispatch import sweep

        assert sweep(older_than=dt.timedelta(0)) == {
            "sent": 0,
            "failed": 1,
            "pruned": 0,
            "unsent": 3,
        }

        # Redis is back (its queue kept the first job); a worker starts; beat fires the sweeper.
        private_redis.start()
        worker.start()
        try:
            wait_until(lambda: len(_runs(purchase_work)) == 1, timeout=90, what="first job")
            assert QueuedJob.objects.filter(sent_at__isnull=True).count() == 3
            from ebakul.core.tasks import sweep_queued_jobs

            # The sweeper leaves jobs younger than its grace alone (their own send may still be
            # under way); these waited longer than that.
            QueuedJob.objects.filter(sent_at__isnull=True).update(
                created_at=timezone.now() - SWEEP_GRACE - dt.timedelta(seconds=1)
            )
            sweep_queued_jobs.apply_async(countdown=0)  # as beat sends it
            wait_until(
                lambda: len(_runs(purchase_work)) == 4, timeout=90, what="jobs after the sweep"
            )
            # Sweeping again (the next beat tick) sends nothing twice.
            sweep_queued_jobs.apply_async()
            wait_until(
                lambda: worker.output().count("sweep_queued_jobs") >= 4,
                timeout=60,
                what="second sweep",
            )
        finally:
            worker.stop()

    assert QueuedJob.objects.filter(sent_at__isnull=True).count() == 0
    runs = _runs(purchase_work)
    assert sorted(runs) == sorted(
        f"{p.pk} {p.document_number}" for p in Purchase.objects.order_by("pk")
    )
    assert len(set(runs)) == len(runs) == 4
    assert "{'sent': 3, 'failed': 0" in worker.output()


def test_a_rolled_back_write_leaves_no_job(ref, purchase_work):
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        dispatch(record_purchase, 1, str(purchase_work))
        raise Boom
    assert not QueuedJob.objects.exists()
    assert _runs(purchase_work) == []


def test_the_sweeper_is_scheduled_every_minute(ref):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name=SWEEP_SCHEDULE_NAME)
    assert task.task == SWEEP_TASK and task.enabled
    assert (task.interval.every, task.interval.period) == (60, "seconds")
