"""What the health check and the metrics read. Each check answers and never raises: a failing
service is a result, not an error page."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from ebakul.compliance.models import JobRun, JobRunStatus
from ebakul.notifications.selectors import oldest_queued_age_seconds, outbox_counts

HEARTBEAT_KEY = "monitoring:beat-heartbeat"
HEARTBEAT_STALE = dt.timedelta(minutes=5)  # beat sends it every minute
CLOSE_JOBS = ("compute_period", "lock_period")


def _timed(fn) -> dict[str, Any]:
    start = time.monotonic()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - a failing service is the answer
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round((time.monotonic() - start) * 1000, 1)}


def check_database() -> dict[str, Any]:
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return _timed(probe)


def check_redis() -> dict[str, Any]:
    def probe():
        cache.set("monitoring:probe", "1", timeout=30)
        if cache.get("monitoring:probe") != "1":
            raise RuntimeError("the cache did not keep a value")

    return _timed(probe)


def beat_heartbeat() -> dict[str, Any]:
    """The last time the heartbeat task ran (sent by beat, run by a worker, through Redis)."""
    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    if last is None:
        return {"ok": False, "last": None, "age_seconds": None}
    at = dt.datetime.fromisoformat(last)
    age = (timezone.now() - at).total_seconds()
    return {"ok": age <= HEARTBEAT_STALE.total_seconds(), "last": last, "age_seconds": int(age)}


def last_successful_runs() -> dict[str, JobRun]:
    """The latest successful run of each close job (compute, lock)."""
    out = {}
    for job in CLOSE_JOBS:
        run = (
            JobRun.objects.filter(job=job, status=JobRunStatus.SUCCESS, finished_at__isnull=False)
            .order_by("-finished_at", "-id")
            .first()
        )
        if run is not None:
            out[job] = run
    return out


def last_close() -> dict[str, Any]:
    try:
        runs = last_successful_runs()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    if not runs:
        return {"ok": True, "last": None}
    job, run = max(runs.items(), key=lambda item: item[1].finished_at or item[1].started_at)
    finished = run.finished_at or run.started_at  # never empty here (selected non-null)
    return {
        "ok": True,
        "job": job,
        "period": run.period,
        "last": finished.isoformat(),
        "duration_seconds": round((finished - run.started_at).total_seconds(), 1),
    }


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue of the Redis broker ({} for other brokers)."""
    url = settings.CELERY_BROKER_URL
    if not str(url).startswith(("redis://", "rediss://")):
        return {}
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    queues = {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
    queues |= {
        str(r.get("queue"))
        for r in getattr(settings, "CELERY_TASK_ROUTES", {}).values()
        if isinstance(r, dict) and r.get("queue")
    }
    return {q: int(client.llen(q)) for q in sorted(queues)}


def health() -> tuple[bool, dict[str, Any]]:
    """(healthy, details). Healthy means this node can serve requests: the database and Redis
    answer. A stale beat heartbeat or an old close is reported ("degraded") but does not take
    the node out of the load balancer (every node would go, ADR 0301)."""
    checks = {
        "database": check_database(),
        "redis": check_redis(),
        "beat": beat_heartbeat(),
        "close": last_close(),
    }
    healthy = checks["database"]["ok"] and checks["redis"]["ok"]
    status = "fail" if not healthy else ("ok" if checks["beat"]["ok"] else "degraded")
    return healthy, {"status": status, "checks": checks, "time": timezone.now().isoformat()}


def outbox() -> dict[str, int]:
    return outbox_counts()


def outbox_oldest_queued_age() -> float | None:
    return oldest_queued_age_seconds(timezone.now())
