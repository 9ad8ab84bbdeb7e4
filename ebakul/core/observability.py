"""Request ids and structured (JSON) logs (issue 16, ADR 0301).

* ``RequestIdMiddleware`` gives every request an id: the ``X-Request-ID`` header of the proxy
  when it is a sane token (nginx sets ``$request_id``), else a fresh one; it is answered in the
  ``X-Request-ID`` response header and put on every log line written while the request runs.
* Celery tasks carry their task id the same way (``ebakul/celery.py``).
* ``JsonFormatter`` writes one JSON object per line: time (UTC, ISO), level, logger, message,
  request id, the exception if any, and every ``extra={...}`` field.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}\Z")
HEADER = "X-Request-ID"

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if SANE_ID.match(incoming) else new_request_id()
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)
