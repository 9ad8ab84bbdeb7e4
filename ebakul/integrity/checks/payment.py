"""A payment reference (QRIS, transfer) already used by an earlier claim."""

from django.utils.translation import gettext_lazy as _

from ebakul.integrity.detectors import Finding, purchase_detector, register_signal
from ebakul.integrity.models import PaymentReference

REUSED = register_signal(
    "payment_reference_reused",
    _("Payment reference used by an earlier claim"),
    60,
    _("The payment reference (letters and digits only) equals an earlier purchase's."),
)


@purchase_detector("payment_reference")
def payment_reference(purchase):
    ref = PaymentReference.objects.filter(purchase_id=purchase.pk).values_list(
        "reference", flat=True
    )
    reference = ref.first()
    if not reference:
        return
    earlier = (
        PaymentReference.objects.filter(reference=reference, purchase_id__lt=purchase.pk)
        .order_by("purchase_id")
        .values_list("purchase_id", "purchase__document_number")
        .first()
    )
    if earlier:
        yield Finding(
            REUSED.code,
            _("Payment reference already used by %(number)s.") % {"number": earlier[1]},
            related_purchase_id=earlier[0],
        )
