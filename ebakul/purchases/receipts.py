"""Receipt images: checked by content, not by file name."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MSG_RECEIPT_NOT_IMAGE = _("The receipt must be a photo (JPEG, PNG or WebP).")
MSG_RECEIPT_TOO_LARGE = _("The receipt photo is too large (at most %(max)s).")
MSG_RECEIPT_REQUIRED = _("A photo of the receipt is required.")


def validate_receipt(file) -> None:
    if not file:
        raise ValidationError(MSG_RECEIPT_REQUIRED, code="receipt_required")
    max_bytes = settings.EBAKUL["RECEIPT_MAX_BYTES"]
    if file.size > max_bytes:
        raise ValidationError(
            MSG_RECEIPT_TOO_LARGE,
            code="receipt_too_large",
            params={"max": filesizeformat(max_bytes)},
        )
    pos = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(MSG_RECEIPT_NOT_IMAGE, code="receipt_not_image") from exc
    finally:
        file.seek(pos)
    if fmt not in settings.EBAKUL["RECEIPT_CONTENT_TYPES"]:
        raise ValidationError(MSG_RECEIPT_NOT_IMAGE, code="receipt_not_image")


def receipt_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
