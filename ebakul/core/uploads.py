"""Uploaded files are data, never code: one service for every stored upload.

Every file a person uploads (receipt photos, appeal evidence, later product photos and merchant
documents) goes through :func:`clean_upload` before it is stored:

- the byte limit is checked first, before anything is decoded;
- images (JPEG, PNG, WebP) are opened lazily and their pixel count and sides checked from the
  header, before the pixels are decoded; then they are decoded, turned upright by their EXIF
  orientation, stripped of every metadata chunk (EXIF, text, ICC, comments) and re-encoded from
  the pixels: PNG stays PNG (lossless; scans and screenshots stay sharp, alpha is kept), WebP
  with transparency becomes PNG, everything else becomes JPEG (quality 85);
- PDFs (only where the policy allows them) are checked by their magic bytes and stored as they
  are, and are only ever served as a download;
- anything else is refused with the policy's Indonesian message and nothing is stored.

The stored name is chosen by the server: the SHA-256 of the stored bytes and the extension of
the stored format (``.jpg``, ``.png`` or ``.pdf``); the client's file name and extension are never
used. See docs/adr/0080-files-are-data-never-code.md.

The model field :class:`CleanFileField` and its form field both call the service, and the model
field cleans again in ``pre_save``, so no form, admin or service can store an uncleaned file.
Serving goes through :func:`private_file_response`.

This module is generic: domain apps register their :class:`UploadPolicy` (limits and messages)
with :func:`register_policy`; core imports no domain app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Decompression bombs: Pillow warns above MAX_IMAGE_PIXELS and raises above twice that. Our own
# limit (checked from the header, see UploadPolicy.max_pixels) is lower still; this is the
# backstop for any other code path that opens an image.
Image.MAX_IMAGE_PIXELS = 50_000_000

MSG_UPLOAD_REQUIRED = _("Choose a file to upload.")
MSG_UPLOAD_NOT_ALLOWED = _("This file type is not accepted. Upload a photo (JPEG, PNG or WebP).")
MSG_UPLOAD_TOO_LARGE = _("The file is too large (at most %(max)s).")
MSG_UPLOAD_TOO_MANY_PIXELS = _(
    "The picture is too large (at most %(megapixels)s megapixels and %(side)s pixels per side). "
    "Take the photo again at a lower resolution."
)
MSG_UPLOAD_BODY_TOO_LARGE = _(
    "What you sent is too large (at most %(max)s). Go back and choose a smaller file."
)

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85

# Stored format → (extension, content type). The only formats the server ever stores.
STORED_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "PDF": ("pdf", "application/pdf"),
}
STORED_NAME = re.compile(r"^[0-9a-f]{64}\.(jpg|png|pdf)$")


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload accepts. Limits in bytes and pixels; messages shown to the person
    who uploaded (Indonesian via the catalogue)."""

    name: str
    max_bytes_setting: str  # key of settings.EBAKUL with the byte limit
    allow_pdf: bool = False
    max_pixels: int = 40_000_000
    max_side: int = 10_000
    msg_required: str = MSG_UPLOAD_REQUIRED
    msg_not_allowed: str = MSG_UPLOAD_NOT_ALLOWED
    msg_too_large: str = MSG_UPLOAD_TOO_LARGE
    msg_too_many_pixels: str = MSG_UPLOAD_TOO_MANY_PIXELS

    @property
    def max_bytes(self) -> int:
        return int(settings.EBAKUL[self.max_bytes_setting])


_POLICIES: dict[str, UploadPolicy] = {}


def register_policy(policy: UploadPolicy) -> UploadPolicy:
    _POLICIES[policy.name] = policy
    return policy


def get_policy(policy: UploadPolicy | str) -> UploadPolicy:
    if isinstance(policy, UploadPolicy):
        return policy
    try:
        return _POLICIES[policy]
    except KeyError:
        raise LookupError(f"No upload policy named {policy!r} is registered") from None


class CleanUpload(ContentFile):
    """The stored form of an upload: re-encoded (or checked) bytes under a server-chosen name.
    Only :func:`clean_upload` makes these, so an instance is proof the bytes went through it."""

    def __init__(self, content: bytes, *, stored_format: str, policy: str):
        self.sha256 = hashlib.sha256(content).hexdigest()
        self.stored_format = stored_format
        self.extension, self.content_type = STORED_FORMATS[stored_format]
        self.policy = policy
        super().__init__(content, name=f"{self.sha256}.{self.extension}")


def _refuse(message, code: str, **params):
    raise ValidationError(message, code=code, params=params or None)


def _too_many_pixels(policy: UploadPolicy) -> ValidationError:
    return ValidationError(
        policy.msg_too_many_pixels,
        code="too_many_pixels",
        params={
            "megapixels": policy.max_pixels // 1_000_000,
            "side": f"{policy.max_side:,}".replace(",", "."),
        },
    )


def _read_head(file, n: int = 16) -> bytes:
    file.seek(0)
    head = file.read(n)
    file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _reencode(img: Image.Image, policy: UploadPolicy) -> tuple[bytes, str]:
    """Decode, turn upright, drop metadata, encode from the pixels."""
    source_format = img.format
    img.load()
    img = ImageOps.exif_transpose(img)  # a new image; orientation applied
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    img.info = {}  # EXIF, text chunks, ICC profile, comments: gone
    out = io.BytesIO()
    if source_format == "PNG" or has_alpha:
        if img.mode not in ("1", "L", "LA", "RGB", "RGBA"):  # palette and exotic modes
            img = img.convert("RGBA" if has_alpha else "RGB")
        img.save(out, format="PNG")
        return out.getvalue(), "PNG"
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    img.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), "JPEG"


def clean_upload(file, policy: UploadPolicy | str) -> CleanUpload:
    """The one gate for stored uploads: returns the bytes to store, or raises ValidationError
    with the policy's message. Idempotent: a CleanUpload is returned as it is."""
    policy = get_policy(policy)
    if isinstance(file, FieldFile):
        file = file.file
    if isinstance(file, CleanUpload):
        return file
    if not file:
        _refuse(policy.msg_required, "required")
    size = getattr(file, "size", None)
    if size is None or size > policy.max_bytes:
        _refuse(policy.msg_too_large, "too_large", max=filesizeformat(policy.max_bytes))
    head = _read_head(file)
    if policy.allow_pdf and head.startswith(b"%PDF-"):
        file.seek(0)
        content = file.read()
        file.seek(0)
        if len(content) > policy.max_bytes:
            _refuse(policy.msg_too_large, "too_large", max=filesizeformat(policy.max_bytes))
        return CleanUpload(content, stored_format="PDF", policy=policy.name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file, formats=IMAGE_FORMATS) as img:  # lazy: header only
                width, height = img.size
                if (
                    width > policy.max_side
                    or height > policy.max_side
                    or width * height > policy.max_pixels
                ):
                    raise _too_many_pixels(policy)
                content, stored_format = _reencode(img, policy)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(policy) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        TypeError,
        EOFError,
        MemoryError,
    ) as exc:
        raise ValidationError(policy.msg_not_allowed, code="not_allowed") from exc
    finally:
        with contextlib.suppress(OSError, ValueError):
            file.seek(0)
    return CleanUpload(content, stored_format=stored_format, policy=policy.name)


def stored_basename(filename: str) -> str:
    """The file name part of an ``upload_to``: only server-chosen names pass."""
    name = PurePosixPath(filename).name
    if not STORED_NAME.match(name):
        raise ValueError(f"Refusing to store an upload under a client-chosen name: {name!r}")
    return name


# --- model and form fields --------------------------------------------------------------------


@deconstructible
class UploadValidator:
    """Model-field validator: a new (uncommitted) file must pass the policy. Files already
    stored (earlier versions included) are left alone."""

    def __init__(self, policy: str):
        self.policy = policy

    def __call__(self, value):
        if isinstance(value, FieldFile) and getattr(value, "_committed", True):
            return
        clean_upload(value, self.policy)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and other.policy == self.policy


class CleanFileFormField(forms.FileField):
    """Form field that returns the cleaned file (re-encoded, server-named)."""

    def __init__(self, *, policy: str, **kwargs):
        self.policy = policy
        p = get_policy(policy)
        messages = {"required": p.msg_required, "empty": p.msg_required}
        messages.update(kwargs.pop("error_messages", None) or {})
        kwargs.setdefault("validators", [])
        super().__init__(error_messages=messages, **kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        # An untouched stored file (a desk change form) or no file: nothing to clean.
        if not value or isinstance(value, FieldFile) or value is initial:
            return value
        return clean_upload(value, self.policy)


class CleanFileField(models.FileField):
    """A FileField whose content always goes through :func:`clean_upload`: in validation (model
    ``validators``), in its form field, and once more in ``pre_save`` before anything is written."""

    def __init__(self, *args, policy: str, **kwargs):
        self.policy = policy
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        return [*super().validators, UploadValidator(self.policy)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["policy"] = self.policy
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        kwargs.pop("form_class", None)
        kwargs.pop("max_length", None)
        return super().formfield(
            form_class=CleanFileFormField, policy=self.policy, max_length=None, **kwargs
        )

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            clean = clean_upload(file, self.policy)
            target = self.generate_filename(model_instance, clean.name)
            if file.storage.exists(target):
                # The name is the hash of the content: the same bytes are already stored.
                file.name = target
                file._committed = True
                setattr(model_instance, self.attname, target)
                return getattr(model_instance, self.attname)
            file.save(clean.name, clean, save=False)
            # Written by this save: removed again if the row is not (``save_with_files``).
            model_instance.__dict__.setdefault("_new_files", []).append((self.name, file.name))
        return file


def save_with_files(instance, **kwargs) -> None:
    """``instance.save()``; when the save fails after a ``CleanFileField`` wrote its file (the
    insert refused, the database gone), the files this save wrote are removed again unless
    another row of the model already refers to them (content-addressed names): no file without
    its row (ADR 0311)."""
    instance.__dict__.pop("_new_files", None)
    try:
        with transaction.atomic():  # a savepoint, so the check below can still query
            instance.save(**kwargs)
    except BaseException:
        for field_name, name in instance.__dict__.pop("_new_files", []):
            field = instance._meta.get_field(field_name)
            others = type(instance)._default_manager.filter(**{field_name: name})
            if instance.pk is not None:
                others = others.exclude(pk=instance.pk)
            with contextlib.suppress(Exception):
                if not others.exists():
                    field.storage.delete(name)
        raise
    instance.__dict__.pop("_new_files", None)


# --- limits on the request body ---------------------------------------------------------------


def upload_max_bytes() -> int:
    return int(settings.EBAKUL["UPLOAD_MAX_BYTES"])


class UploadLimitHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: stops reading the request as soon as one file passes
    ``EBAKUL["UPLOAD_MAX_BYTES"]`` (the rest of the body is not read). The body-limit middleware
    then answers 413 before the view runs."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_max_bytes():
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file


# --- serving ----------------------------------------------------------------------------------

# As GitHub serves user content: nothing may run, load or submit; the browser's own image
# viewer still shows a picture opened directly.
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


def sniff_stored_format(head: bytes) -> str | None:
    """The format of stored bytes from their magic number (never from the file name: files
    stored by earlier versions may carry the client's extension)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"%PDF-"):
        return "PDF"
    return None


_SERVED_TYPES = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "PDF": ("pdf", "application/pdf"),
}


def private_file_response(fieldfile, *, download: bool = False, stem: str = "berkas"):
    """Serve a stored upload. Type from the stored bytes; images inline unless ``download``,
    PDFs and anything unknown always as an attachment; file name chosen by the server; the
    browser told not to sniff, not to run anything (CSP sandbox) and not to cache publicly."""
    handle = fieldfile.open("rb")
    head = handle.read(16)
    handle.seek(0)
    fmt = sniff_stored_format(head)
    if fmt is None:
        extension, content_type, attachment = "bin", "application/octet-stream", True
    else:
        extension, content_type = _SERVED_TYPES[fmt]
        attachment = download or fmt == "PDF"
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=attachment,
        filename=f"{stem}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# --- Pending uploads (docs/adr/0160) ------------------------------------------------------------
# A file chosen in a form that is refused for another field would be lost: the browser never
# sends it again. Its cleaned form (only a CleanUpload: the bytes already went through
# clean_upload) is kept in private storage under a random name, tied to the session by slot,
# previewed through private_file_response, and used if the form comes back without a new file.
PENDING_SESSION_KEY = "ebakul_pending_uploads"
PENDING_DIR = "pending"


def pending_keep(request, slot: str, upload: CleanUpload) -> None:
    if not isinstance(upload, CleanUpload):
        raise TypeError("Only a cleaned upload (clean_upload) may be kept pending.")
    from .storage import StorageUnavailable

    pending_clear(request, slot)
    try:
        name = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}.{upload.extension}", upload)
    except StorageUnavailable:
        return  # keeping the photo is a convenience; the form already says what went wrong
    kept = dict(request.session.get(PENDING_SESSION_KEY) or {})
    kept[slot] = {"name": name, "format": upload.stored_format, "policy": upload.policy}
    request.session[PENDING_SESSION_KEY] = kept


def _pending_entry(request, slot: str):
    entry = (request.session.get(PENDING_SESSION_KEY) or {}).get(slot)
    if not entry or not str(entry.get("name", "")).startswith(f"{PENDING_DIR}/"):
        return None
    if not default_storage.exists(entry["name"]):
        return None
    return entry


def pending_get(request, slot: str) -> CleanUpload | None:
    """The kept file of this session's slot, as a fresh CleanUpload (or None)."""
    entry = _pending_entry(request, slot)
    if entry is None:
        return None
    with default_storage.open(entry["name"], "rb") as handle:
        content = handle.read()
    return CleanUpload(content, stored_format=entry["format"], policy=entry["policy"])


def pending_exists(request, slot: str) -> bool:
    return _pending_entry(request, slot) is not None


def pending_clear(request, slot: str) -> None:
    kept = dict(request.session.get(PENDING_SESSION_KEY) or {})
    entry = kept.pop(slot, None)
    if entry is None:
        return
    name = str(entry.get("name", ""))
    if name.startswith(f"{PENDING_DIR}/") and default_storage.exists(name):
        default_storage.delete(name)
    request.session[PENDING_SESSION_KEY] = kept


PENDING_MAX_AGE = dt.timedelta(hours=24)  # ``EBAKUL["PENDING_UPLOAD_MAX_AGE_HOURS"]`` overrides


def pending_max_age() -> dt.timedelta:
    hours = getattr(settings, "EBAKUL", {}).get("PENDING_UPLOAD_MAX_AGE_HOURS")
    return dt.timedelta(hours=hours) if hours else PENDING_MAX_AGE


def pending_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete kept files older than ``pending_max_age()`` (abandoned forms; run daily by the
    beat job ``ebakul.core.tasks.sweep_pending_uploads``). A session that still names a swept
    file simply has none any more (``_pending_entry`` checks the file). Only ``pending/`` is
    touched. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - pending_max_age()
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0
    deleted = 0
    for filename in files:
        name = f"{PENDING_DIR}/{filename}"
        if default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            deleted += 1
    return deleted


def pending_response(request, slot: str, *, stem: str = "berkas"):
    """Serve this session's kept file (404 when there is none)."""
    entry = _pending_entry(request, slot)
    if entry is None:
        raise Http404
    return private_file_response(default_storage.open(entry["name"], "rb"), stem=stem)
