"""OCR signals (issue 15): what the receipt says against what the employee typed, and one receipt
number of a merchant claimed twice. They read ``purchases.ReceiptReading`` (written by
ebakul/integrity/ocr.read_receipt_task); no reading yet, or a reading of a receipt since replaced,
raises nothing."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ebakul.core.money import format_rupiah
from ebakul.core.periods import WIB
from ebakul.integrity import selectors
from ebakul.integrity.detectors import Finding, purchase_detector, register_signal
from ebakul.purchases.models import ReceiptReading

DATE_TOLERANCE_DAYS = 1  # a receipt printed just before midnight, typed as the next day

OCR_AMOUNT_MISMATCH = register_signal(
    "ocr_amount_mismatch",
    _("Amount differs from the receipt"),
    35,
    _("The total read on the receipt is not the amount the employee entered."),
)
OCR_DATE_MISMATCH = register_signal(
    "ocr_date_mismatch",
    _("Date differs from the receipt"),
    25,
    _("The date read on the receipt is more than a day away from the purchase date entered."),
)
RECEIPT_NUMBER_REUSED = register_signal(
    "receipt_number_reused",
    _("Receipt number used before"),
    70,
    _("An earlier purchase at the same merchant has a receipt with the same number."),
)


def current_reading(purchase) -> ReceiptReading | None:
    return selectors.current_readings().filter(purchase_id=purchase.pk).first()


@purchase_detector("ocr")
def ocr_findings(purchase) -> Iterator[Finding]:
    reading = current_reading(purchase)
    if reading is None or selectors.completed_order_for(purchase.pk) is not None:
        # An order's receipt is eBakul's own drawing of the order: nothing typed to compare.
        return
    if reading.amount and reading.amount != purchase.amount:
        yield Finding(
            OCR_AMOUNT_MISMATCH.code,
            _g("The receipt reads %(read)s; %(typed)s was entered.")
            % {"read": format_rupiah(reading.amount), "typed": format_rupiah(purchase.amount)},
        )
    if reading.date and purchase.purchased_at:
        typed = purchase.purchased_at.astimezone(WIB).date()
        if abs((reading.date - typed).days) > DATE_TOLERANCE_DAYS:
            yield Finding(
                OCR_DATE_MISMATCH.code,
                _g("The receipt is dated %(read)s; %(typed)s was entered.")
                % {"read": f"{reading.date:%d/%m/%Y}", "typed": f"{typed:%d/%m/%Y}"},
            )
    if reading.receipt_number:
        earlier = (
            ReceiptReading.objects.filter(
                receipt_number=reading.receipt_number,
                purchase__merchant_id=purchase.merchant_id,
                purchase__created_at__lte=purchase.created_at,
            )
            .exclude(purchase_id=purchase.pk)
            .select_related("purchase")
            .order_by("purchase__created_at", "purchase_id")
        )
        for other in earlier[:3]:
            if (other.purchase.created_at, other.purchase_id) < (purchase.created_at, purchase.pk):
                yield Finding(
                    RECEIPT_NUMBER_REUSED.code,
                    _g("Receipt number %(number)s was already claimed with %(document)s.")
                    % {
                        "number": reading.receipt_number,
                        "document": other.purchase.document_number,
                    },
                    related_purchase_id=other.purchase_id,
                )
                break
