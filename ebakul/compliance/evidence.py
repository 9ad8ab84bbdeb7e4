"""Appeal evidence: a photo (re-encoded) or a PDF (checked by magic bytes, served only as a
download), named by the server (ebakul.core.uploads, docs/adr/0080-files-are-data-never-code.md)."""

from django.utils.translation import gettext_lazy as _

from ebakul.core.uploads import UploadPolicy, register_policy

MSG_EVIDENCE_NOT_ALLOWED = _(
    "The supporting document must be a photo (JPEG, PNG or WebP) or a PDF."
)
MSG_EVIDENCE_TOO_LARGE = _("The supporting document is too large (at most %(max)s).")

EVIDENCE_POLICY = register_policy(
    UploadPolicy(
        name="appeal_evidence",
        max_bytes_setting="EVIDENCE_MAX_BYTES",
        allow_pdf=True,
        msg_not_allowed=MSG_EVIDENCE_NOT_ALLOWED,
        msg_too_large=MSG_EVIDENCE_TOO_LARGE,
    )
)
