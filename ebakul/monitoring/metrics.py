"""A small Prometheus text exposition (format 0.0.4) of what operators watch. Computed at each
scrape from the database and Redis, so every gunicorn worker answers the same."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ebakul.compliance.models import JobRun, JobRunStatus

from . import selectors


def _escape(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Exposition:
    def __init__(self):
        self.lines: list[str] = []
        self._declared: set[str] = set()

    def add(self, name: str, kind: str, help_: str, value: float, **labels) -> None:
        if name not in self._declared:
            self.lines += [f"# HELP {name} {help_}", f"# TYPE {name} {kind}"]
            self._declared.add(name)
        label = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
        self.lines.append(f"{name}{{{label}}} {value}" if label else f"{name} {value}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render() -> str:
    out = Exposition()
    db, redis_ = selectors.check_database(), selectors.check_redis()
    out.add("ebakul_up", "gauge", "1 when the service answers the scrape", 1)
    for name, check in (("database", db), ("redis", redis_)):
        out.add(
            "ebakul_check_up",
            "gauge",
            "1 when the dependency answers",
            int(check["ok"]),
            check=name,
        )
    beat = selectors.beat_heartbeat()
    if beat.get("age_seconds") is not None:
        out.add(
            "ebakul_beat_heartbeat_age_seconds",
            "gauge",
            "Seconds since the heartbeat task last ran (beat, broker and a worker)",
            beat["age_seconds"],
        )
    try:
        for queue, length in selectors.queue_lengths().items():
            out.add(
                "ebakul_celery_queue_length",
                "gauge",
                "Tasks waiting in a Celery queue",
                length,
                queue=queue,
            )
    except Exception:  # noqa: BLE001, S110 - Redis down: ebakul_check_up says so
        pass
    if db["ok"]:
        for state, n in selectors.outbox().items():
            out.add(
                "ebakul_outbox_messages",
                "gauge",
                "Outgoing messages by state (failed: alert)",
                n,
                state=state,
            )
        age = selectors.outbox_oldest_queued_age()
        if age is not None:
            out.add(
                "ebakul_outbox_oldest_queued_age_seconds",
                "gauge",
                "Age of the oldest message not yet sent (grows when delivery stalls)",
                round(age, 1),
            )
        for job, run in selectors.last_successful_runs().items():
            out.add(
                "ebakul_close_duration_seconds",
                "gauge",
                "Duration of the last successful run of a close job",
                round((run.finished_at - run.started_at).total_seconds(), 3),
                job=job,
            )
            out.add(
                "ebakul_close_last_success_timestamp_seconds",
                "gauge",
                "When the last successful run of a close job finished (Unix time)",
                round(run.finished_at.timestamp(), 3),
                job=job,
            )
        since = timezone.now() - dt.timedelta(days=1)
        failed = JobRun.objects.filter(status=JobRunStatus.FAILED, started_at__gte=since).count()
        out.add(
            "ebakul_job_runs_failed_24h", "gauge", "Scheduled job runs failed in 24 hours", failed
        )
    return out.text()
