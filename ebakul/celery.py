import contextlib
import os

from celery import Celery, signals

# A server runs the production settings unless told otherwise; the scripts (demo, bench, test)
# set their own.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.production")

app = Celery("ebakul")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _fresh_workflow_cache(**kwargs):
    """A task reads the workflow definitions as they are now, like a request does."""
    from ebakul.workflow.selectors import reset_cache

    reset_cache()


_log_tokens: dict = {}


@signals.task_prerun.connect
def _task_log_id(task_id=None, **kwargs):
    """A task's log lines carry its id as their request id (ADR 0301)."""
    from ebakul.core.observability import request_id_var

    _log_tokens[task_id] = request_id_var.set(task_id or "")


@signals.task_postrun.connect
def _task_log_id_done(task_id=None, **kwargs):
    from ebakul.core.observability import request_id_var

    token = _log_tokens.pop(task_id, None)
    if token is not None:
        with contextlib.suppress(ValueError):  # set in another context: nothing to undo
            request_id_var.reset(token)
