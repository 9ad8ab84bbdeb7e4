"""Pending uploads (photos kept after a validation error, docs/adr/0160) do not pile up: a daily
beat job deletes the kept files older than their maximum age, and nothing else (issue 14)."""

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone, translation

from ebakul.core import uploads
from ebakul.core.schedules import schedule_label
from ebakul.core.tasks import sweep_pending_uploads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """The sweep walks the whole storage: count only this test's files."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _aged(name: str, hours: float) -> str:
    saved = default_storage.save(name, ContentFile(b"\xff\xd8 photo"))
    then = (timezone.now() - dt.timedelta(hours=hours)).timestamp()
    os.utime(default_storage.path(saved), (then, then))
    return saved


class _Request:
    def __init__(self):
        self.session = {}


def test_the_sweep_deletes_only_expired_pending_files():
    old = _aged("pending/old-photo.jpg", hours=25)
    fresh = _aged("pending/fresh-photo.jpg", hours=2)
    receipt = _aged("receipts/kept-receipt.jpg", hours=24 * 400)  # not a pending file
    try:
        result = sweep_pending_uploads.apply().get()
        assert result == {"deleted": 1}
        assert not default_storage.exists(old)
        assert default_storage.exists(fresh)
        assert default_storage.exists(receipt)
        assert sweep_pending_uploads.apply().get() == {"deleted": 0}  # nothing left to do
    finally:
        for name in (old, fresh, receipt):
            if default_storage.exists(name):
                default_storage.delete(name)


@override_settings(EBAKUL={"PENDING_UPLOAD_MAX_AGE_HOURS": 1})
def test_the_maximum_age_is_a_setting():
    fresh = _aged("pending/ninety-minutes.jpg", hours=1.5)
    assert uploads.pending_sweep() == 1
    assert not default_storage.exists(fresh)


def test_a_session_whose_file_was_swept_simply_has_none():
    request = _Request()
    upload = uploads.CleanUpload(b"\xff\xd8 photo", stored_format="JPEG", policy="receipt")
    uploads.pending_keep(request, "receipt", upload)
    assert uploads.pending_exists(request, "receipt")
    name = request.session[uploads.PENDING_SESSION_KEY]["receipt"]["name"]
    then = (timezone.now() - dt.timedelta(days=2)).timestamp()
    os.utime(default_storage.path(name), (then, then))
    assert uploads.pending_sweep() >= 1
    assert not uploads.pending_exists(request, "receipt")
    assert uploads.pending_get(request, "receipt") is None


def test_the_beat_job_exists_with_its_schedule_in_words(ref):
    from django_celery_beat.models import PeriodicTask

    from ebakul.core import reference

    assert reference.ensure_schedules() == 0  # already made by the reference loader, kept
    job = PeriodicTask.objects.get(task="ebakul.core.tasks.sweep_pending_uploads")
    assert job.enabled
    assert schedule_label(job) == "setiap hari pukul 02.30 WIB"
    with translation.override("id"):
        assert translation.gettext(job.name) == "eBakul: hapus unggahan tertunda yang kedaluwarsa"
