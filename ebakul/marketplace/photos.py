"""Product photos: checked by content, re-encoded (which strips metadata) and named by the server
through ebakul.core.uploads, like receipts."""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

from ebakul.core.uploads import UploadPolicy, clean_upload, register_policy, stored_basename

MSG_PHOTO_NOT_IMAGE = _("The product photo must be a photo (JPEG, PNG or WebP).")
MSG_PHOTO_TOO_LARGE = _("The product photo is too large (at most %(max)s).")

PHOTO_POLICY = register_policy(
    UploadPolicy(
        name="listing_photo",
        max_bytes_setting="RECEIPT_MAX_BYTES",
        allow_pdf=False,
        msg_not_allowed=MSG_PHOTO_NOT_IMAGE,
        msg_too_large=MSG_PHOTO_TOO_LARGE,
    )
)


PHOTO_MAX_SIDE = 1200


def clean_photo(file):
    """The stored form of a product photo: checked and re-encoded first (nothing unchecked is
    decoded here), then made no larger than ``PHOTO_MAX_SIDE`` and re-encoded again."""
    checked = clean_upload(file, PHOTO_POLICY)
    with Image.open(io.BytesIO(checked.read())) as img:
        if max(img.size) <= PHOTO_MAX_SIDE:
            checked.seek(0)
            return checked
        img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        out = io.BytesIO()
        img.save(out, format="PNG" if checked.stored_format == "PNG" else "JPEG")
    return clean_upload(ContentFile(out.getvalue(), name="photo"), PHOTO_POLICY)


def photo_upload_to(instance, filename: str) -> str:
    return f"catalogue/{instance.merchant_id or 'new'}/{stored_basename(filename)}"
