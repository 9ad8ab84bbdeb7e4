import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")

app = Celery("ebakul")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
