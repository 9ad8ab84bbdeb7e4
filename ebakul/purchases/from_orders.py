"""A completed marketplace order becomes a purchase (docs/adr/0400).

The marketplace sits below this app, so it calls these through ``marketplace.hooks`` (registered
in ``PurchasesConfig.ready``). The purchase is recorded in the workflow's verified state
(``counts_as_verified``): the merchant confirmed it by accepting and handing over, the employee by
confirming receipt (or by not objecting within 48 hours). No photo is taken: the order is the
proof, and the purchase's receipt is an image of the order drawn here (number, lines, total, who
confirmed), stored through the same receipt policy, so every purchase keeps a receipt and a
unique fingerprint (docs/adr/0400)."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageDraw

from ebakul.core.history import set_history_user
from ebakul.core.models import next_document_number
from ebakul.core.money import format_rupiah
from ebakul.core.periods import WIB

from . import hooks
from .dates import check_purchase_date, check_purchase_date_period
from .models import PaymentMethod, Purchase
from .receipts import clean_receipt


def _verified_state() -> str:
    from ebakul.workflow import selectors

    states = sorted(selectors.states_with(selectors.PURCHASE, "counts_as_verified"))
    if not states:
        raise LookupError("The purchase workflow has no state that counts as verified")
    return states[0]


def describe(order) -> str:
    lines = ", ".join(f"{line.quantity} {line.unit} {line.name}" for line in order.lines.all())
    return f"{gettext('Order')} {order.number}: {lines}"[:255]


def order_receipt(order, at):
    """A receipt image of the order (PNG, re-encoded by the receipt policy)."""
    lines = list(order.lines.all())
    text = [
        f"eBakul - {gettext('Order')} {order.number}",
        order.merchant.business_name[:60],
        at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
        "-" * 40,
        *[
            f"{line.quantity} {line.unit} {line.name}"[:44]
            + f"  {format_rupiah((line.unit_price or 0) * line.quantity)}"
            for line in lines
        ],
        "-" * 40,
        f"Total {format_rupiah(order.total)}",
        gettext("Confirmed by the merchant and the employee"),
    ]
    img = Image.new("RGB", (520, 24 + 18 * len(text)), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    for i, row in enumerate(text):
        draw.text((12, 12 + 18 * i), row, fill=(20, 20, 20))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return clean_receipt(ContentFile(out.getvalue(), name="pesanan.png"))


def check_order_period(*, at) -> None:
    """An order placed now must fall in a period that still accepts purchases."""
    from ebakul.core.periods import period_of

    check_purchase_date_period(period_of(at))


def purchase_from_order(*, order, at, actor) -> int:
    period = check_purchase_date(at)
    receipt = order_receipt(order, at)
    purchase = Purchase(
        employee_id=order.employee_id,
        merchant_id=order.merchant_id,
        purchased_at=at,
        amount=order.total,
        description=describe(order),
        category=order.merchant.category,
        payment_method=PaymentMethod.QRIS if order.qris_reference else PaymentMethod.CASH,
        qris_reference=order.qris_reference,
        client_key=f"order-{order.pk}",
        receipt=receipt,
        status=_verified_state(),
        created_by=actor,
        # Overwritten by auto_now(_add) in production; kept when the demo seeder fabricates
        # timestamps (ADR 0005).
        created_at=at,
        updated_at=at,
    )
    purchase.period = period
    purchase.full_clean(exclude=["document_number", "client_key"])
    purchase.receipt_sha256 = receipt.sha256
    purchase.document_number = next_document_number(f"EBK-PUR-{period}-")
    set_history_user(purchase, actor)
    purchase.save()
    # Fingerprinted and scored like any stored receipt (the integrity app records that the
    # order was confirmed on both sides; docs/adr/0221).
    hooks.receipt_stored(purchase)
    return purchase.pk
