"""A purchase recorded from a completed marketplace order was confirmed on both sides: the
merchant accepted and handed over the order in eBakul, the employee confirmed receiving it (or
did not object within the window). That speaks for the claim: a signal with a negative weight
(issue 17: "its integrity score reflects that it was confirmed on both sides"; docs/adr/0221).
The other detectors still run: buying from one's own or one's household's business through the
marketplace is flagged as anywhere else."""

from django.utils.translation import gettext_lazy as _

from ebakul.integrity import selectors
from ebakul.integrity.detectors import Finding, purchase_detector, register_signal

CONFIRMED_BOTH_SIDES = register_signal(
    "order_confirmed_both_sides",
    _("Order confirmed by the merchant and the employee"),
    -10,
    _(
        "The purchase was recorded from a completed eBakul order: the merchant accepted and "
        "handed it over, the employee confirmed receiving it. Lowers the score."
    ),
)


@purchase_detector("marketplace_order")
def order_confirmed(purchase):
    order = selectors.completed_order_for(purchase.pk)
    if order is None:
        return
    yield Finding(
        CONFIRMED_BOTH_SIDES.code,
        _("Order %(number)s: accepted and handed over by the merchant, received by the employee.")
        % {"number": order.number or f"#{order.pk}"},
        related_merchant_id=order.merchant_id,
    )
