"""Receipt photos: checked by content, re-encoded and named by the server (ebakul.core.uploads).

``receipt_sha256`` of a purchase is the SHA-256 of the STORED (re-encoded) bytes, the same hash
that names the file. Re-encoding is deterministic, so the same photo uploaded twice still gets
the same fingerprint. Receipts stored by versions before the re-encoding keep their old name
and fingerprint (of the uploaded bytes) and are still served by content type sniffed from
their bytes (docs/adr/0080-files-are-data-never-code.md)."""

from django.utils.translation import gettext_lazy as _

from ebakul.core.uploads import UploadPolicy, clean_upload, register_policy

MSG_RECEIPT_NOT_IMAGE = _("The receipt must be a photo (JPEG, PNG or WebP).")
MSG_RECEIPT_TOO_LARGE = _("The receipt photo is too large (at most %(max)s).")
MSG_RECEIPT_REQUIRED = _("A photo of the receipt is required.")

RECEIPT_POLICY = register_policy(
    UploadPolicy(
        name="receipt",
        max_bytes_setting="RECEIPT_MAX_BYTES",
        allow_pdf=False,
        msg_required=MSG_RECEIPT_REQUIRED,
        msg_not_allowed=MSG_RECEIPT_NOT_IMAGE,
        msg_too_large=MSG_RECEIPT_TOO_LARGE,
    )
)


def clean_receipt(file):
    """The stored form of a receipt upload (see ``ebakul.core.uploads.clean_upload``)."""
    return clean_upload(file, RECEIPT_POLICY)


def validate_receipt(file) -> None:
    """Raise ValidationError unless ``file`` is an acceptable receipt photo."""
    clean_receipt(file)


def receipt_sha256(file) -> str:
    """Fingerprint of the receipt as stored."""
    return clean_receipt(file).sha256
