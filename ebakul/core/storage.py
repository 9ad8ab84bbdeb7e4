"""The file storage of receipts and evidence: a local folder by default (MEDIA_ROOT), never
served directly (``uploads.private_file_response``).

When the folder cannot be written (disk full, read-only, gone) a save removes whatever it
half-wrote and raises :class:`StorageUnavailable`, a ``DomainError`` with a message the person
understands; the service's transaction then rolls back, so there is no row without its file and
no file without its row (ADR 0311). ``manage.py check_storage`` lists what an outside failure
left behind in either direction."""

from __future__ import annotations

import logging
import os

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

log = logging.getLogger("ebakul.storage")

MSG_STORAGE_UNAVAILABLE = _(
    "The file could not be stored: the server's storage is not available right now. Nothing "
    "was recorded; please try again later."
)


class StorageUnavailable(DomainError):
    code = "storage_unavailable"


@deconstructible
class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as exc:
            # FileSystemStorage opens the name with O_EXCL, so a file left at it is our partial
            # write (disk full in the middle): remove it.
            with _quiet():
                path = self.path(name)
                if os.path.exists(path):
                    os.remove(path)
            log.error("storage: could not save %s: %s", name, exc)
            raise StorageUnavailable(MSG_STORAGE_UNAVAILABLE) from exc


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], OSError)
