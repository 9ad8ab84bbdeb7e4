"""Duplicate receipts: the same photo (bytes or pixels) or a near copy of an EARLIER claim."""

from django.utils.translation import gettext_lazy as _

from ebakul.integrity import selectors
from ebakul.integrity.detectors import Finding, purchase_detector, register_signal
from ebakul.integrity.models import ReceiptFingerprint
from ebakul.purchases.models import Purchase

EXACT = register_signal(
    "duplicate_receipt_exact",
    _("Same receipt photo as an earlier claim"),
    100,
    _("The stored bytes or the decoded pixels equal those of an earlier purchase's receipt."),
)
NEAR = register_signal(
    "duplicate_receipt_near",
    _("Receipt photo looks like an earlier claim's"),
    70,
    _(
        "The perceptual hashes (any rotation) are close to an earlier purchase's receipt: "
        "re-encoded, resized, cropped, brightened, rotated or photographed from a screen."
    ),
)


def _number(pk: int) -> str:
    return Purchase.objects.filter(pk=pk).values_list("document_number", flat=True).first() or ""


@purchase_detector("duplicate_receipt")
def duplicate_receipt(purchase):
    exact = selectors.exact_duplicates(purchase, before_id=purchase.pk)
    if exact:
        yield Finding(
            EXACT.code,
            _("Same photo as %(number)s.") % {"number": _number(exact[0])},
            related_purchase_id=exact[0],
        )
        return
    fp = ReceiptFingerprint.objects.filter(purchase_id=purchase.pk).first()
    if fp is None:
        return
    near = selectors.near_duplicates(fp, before_id=purchase.pk)
    if near:
        # The earliest of the matching claims is the original.
        first = min(near, key=lambda m: m.purchase_id)
        yield Finding(
            NEAR.code,
            _("Looks like the receipt of %(number)s.") % {"number": _number(first.purchase_id)},
            related_purchase_id=first.purchase_id,
        )
