import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")

app = Celery("ebakul")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _fresh_workflow_cache(**kwargs):
    """A task reads the workflow definitions as they are now, like a request does."""
    from ebakul.workflow.selectors import reset_cache

    reset_cache()
