"""/healthz, /metrics, request ids, JSON logs and the operators' loggers (issue 16, ADR 0301)."""

import datetime as dt
import json
import logging

import pytest
from django.utils import timezone

from ebakul.compliance.jobs import run_job
from ebakul.compliance.models import JobRun, JobRunStatus
from ebakul.core.observability import JsonFormatter, RequestIdFilter, request_id_var
from ebakul.monitoring.tasks import heartbeat
from ebakul.notifications.models import OutboxMessage, OutboxState
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_anonymously_with_every_check(client, ref):
    heartbeat.apply()
    started = timezone.now() - dt.timedelta(minutes=3)
    JobRun.objects.create(
        job="lock_period",
        period="2026-09",
        status=JobRunStatus.SUCCESS,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=42),
    )
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"]["ok"] and checks["redis"]["ok"]
    assert checks["beat"]["ok"] and checks["beat"]["age_seconds"] < 60
    assert checks["close"]["period"] == "2026-09" and checks["close"]["duration_seconds"] == 42.0


def test_a_stale_heartbeat_is_degraded_but_keeps_the_node_in(client, ref):
    from django.core.cache import cache

    from ebakul.monitoring.selectors import HEARTBEAT_KEY

    cache.set(HEARTBEAT_KEY, (timezone.now() - dt.timedelta(minutes=10)).isoformat())
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["beat"]["ok"] is False


def test_healthz_is_503_when_redis_is_away(client, ref, settings):
    # A real Redis client against a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # (Django's setting_changed handler rebuilds the cache connections.)
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["ok"] is False and "Error" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_metrics_are_closed_without_configuration(client, admin_user, monkeypatch):
    monkeypatch.delenv("EBAKUL_METRICS_TOKEN", raising=False)
    monkeypatch.delenv("EBAKUL_METRICS_ALLOWED_IPS", raising=False)
    assert client.get("/metrics").status_code == 404
    client.force_login(admin_user)  # a desk login is not a scrape permission
    assert client.get("/metrics").status_code == 404


def test_metrics_with_a_token_or_from_an_allowed_address(client, ref, monkeypatch):
    OutboxMessage.objects.create(
        channel="email", recipient="a@example.invalid", subject="x", state=OutboxState.FAILED
    )
    started = timezone.now() - dt.timedelta(minutes=5)
    JobRun.objects.create(
        job="compute_period",
        period="2026-09",
        status=JobRunStatus.SUCCESS,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=12.5),
    )
    monkeypatch.setenv("EBAKUL_METRICS_TOKEN", "rahasia-metrik-123")
    monkeypatch.delenv("EBAKUL_METRICS_ALLOWED_IPS", raising=False)
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer salah").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer rahasia-metrik-123")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'ebakul_outbox_messages{state="failed"} 1' in text
    assert 'ebakul_close_duration_seconds{job="compute_period"} 12.5' in text
    assert 'ebakul_check_up{check="database"} 1' in text
    assert 'ebakul_celery_queue_length{queue="celery"} ' in text
    assert "# TYPE ebakul_outbox_messages gauge" in text
    monkeypatch.delenv("EBAKUL_METRICS_TOKEN")
    monkeypatch.setenv("EBAKUL_METRICS_ALLOWED_IPS", "10.0.0.0/8, 127.0.0.1")
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 404


def test_every_response_carries_a_request_id(client, ref):
    fresh = client.get("/healthz/")["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/healthz/", HTTP_X_REQUEST_ID="nginx-abc12345")["X-Request-ID"] == (
        "nginx-abc12345"
    )
    # Not a sane token (a log injection attempt): replaced.
    bad = client.get("/healthz/", HTTP_X_REQUEST_ID="x\nlevel=ERROR")["X-Request-ID"]
    assert "\n" not in bad and len(bad) == 32


def test_json_log_lines_carry_the_request_id_and_extra_fields():
    record = logging.LogRecord("ebakul.jobs", logging.INFO, __file__, 1, "job %s", ("x",), None)
    record.period = "2026-10"
    token = request_id_var.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "job x" and line["level"] == "INFO"
    assert line["request_id"] == "req-12345678" and line["period"] == "2026-10"
    assert line["logger"] == "ebakul.jobs" and line["time"].endswith("+00:00")


def test_api_authentication_failures_are_logged_without_the_key(client, ref, caplog):
    with caplog.at_level(logging.WARNING, logger="ebakul.api.auth"):
        response = client.get("/api/v1/periods/", HTTP_AUTHORIZATION="Api-Key bukan-kunci-rahasia")
    assert response.status_code == 401
    [record] = [r for r in caplog.records if r.name == "ebakul.api.auth"]
    assert record.path == "/api/v1/periods/" and record.reason
    assert "bukan-kunci-rahasia" not in json.dumps(vars(record), default=str)


def test_jobs_log_their_start_and_outcome(ref, caplog):
    with caplog.at_level(logging.INFO, logger="ebakul.jobs"):
        run_job(job="matrix_job", period="2026-10", fn=lambda: {"n": 1})
    lines = [(r.getMessage(), r.job) for r in caplog.records if r.name == "ebakul.jobs"]
    assert lines == [("job started", "matrix_job"), ("job finished", "matrix_job")]


def test_metrics_show_the_age_of_the_oldest_waiting_message(client, ref, monkeypatch):
    monkeypatch.setenv("EBAKUL_METRICS_TOKEN", "rahasia-metrik-123")
    row = OutboxMessage.objects.create(channel="email", recipient="a@example.invalid", subject="x")
    OutboxMessage.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer rahasia-metrik-123").content.decode()
    [line] = [x for x in text.splitlines() if x.startswith("ebakul_outbox_oldest_queued_age")]
    assert 1790 <= float(line.split()[-1]) <= 1900
