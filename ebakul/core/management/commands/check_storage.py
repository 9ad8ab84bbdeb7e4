"""List what the receipt storage and the database disagree on (issue 16, ADR 0311):

- files in MEDIA_ROOT that no row refers to (an upload whose row was rolled back by a failure
  outside the service, a restore of files without their rows), and kept photos of refused forms
  (``pending/``) older than a day;
- rows whose file is missing (a restore of rows without their files, a disk lost).

Read only; exits with status 1 when it found anything, so cron or a monitor can alert."""

import datetime as dt
import os
import time
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from ebakul.core.uploads import PENDING_DIR

PENDING_MAX_AGE = dt.timedelta(days=1)


def file_fields():
    """(model, field name) of every FileField stored in the default storage."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.storage is default_storage:
                yield model, field.name


def stored_files(root: Path):
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = Path(directory, name)
            yield path.relative_to(root).as_posix(), path


def check(root: Path) -> tuple[list[str], list[tuple[str, int, str]]]:
    """(orphan files, rows without their file as (model label, pk, name))."""
    referenced: set[str] = set()
    missing = []
    for model, field in file_fields():
        rows = (
            model._default_manager.exclude(**{field: ""})
            .exclude(**{f"{field}__isnull": True})
            .values_list("pk", field)
        )
        for pk, name in rows.iterator(chunk_size=5000):
            referenced.add(name)
            if not (root / name).is_file():
                missing.append((f"{model._meta.label}.{field}", pk, name))
    orphans = []
    now = time.time()
    for name, path in stored_files(root):
        if name in referenced:
            continue
        young = now - path.stat().st_mtime < PENDING_MAX_AGE.total_seconds()
        if name.startswith(f"{PENDING_DIR}/") and young:
            continue  # a photo kept for a form being corrected right now
        orphans.append(name)
    return sorted(orphans), sorted(missing)


class Command(BaseCommand):
    help = "List files without a row and rows without their file in the receipt storage."

    def handle(self, *args, **options):
        root = Path(default_storage.location)
        orphans, missing = check(root)
        for name in orphans:
            self.stdout.write(f"file without row: {name}")
        for label, pk, name in missing:
            self.stdout.write(f"row without file: {label} id={pk} {name}")
        self.stdout.write(
            f"storage {root}: {len(orphans)} files without a row, "
            f"{len(missing)} rows without their file"
        )
        if orphans or missing:
            raise CommandError(f"{len(orphans) + len(missing)} storage problems found")
