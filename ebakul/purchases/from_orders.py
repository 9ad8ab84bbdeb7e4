"""A completed marketplace order becomes a purchase (docs/adr/0400).

The marketplace sits below this app, so it calls these through ``marketplace.hooks`` (registered
in ``PurchasesConfig.ready``). The purchase is recorded in the workflow's verified state
(``counts_as_verified``): the merchant confirmed it by accepting and handing over, the employee by
confirming receipt (or by not objecting within 48 hours). It has no receipt photo: the order is the
proof, and ``source_order`` ties them in the description and the history."""

from __future__ import annotations

from django.utils.translation import gettext

from ebakul.core.history import set_history_user
from ebakul.core.models import next_document_number

from .dates import check_purchase_date, check_purchase_date_period
from .models import PaymentMethod, Purchase


def _verified_state() -> str:
    from ebakul.workflow import selectors

    states = sorted(selectors.states_with(selectors.PURCHASE, "counts_as_verified"))
    if not states:
        raise LookupError("The purchase workflow has no state that counts as verified")
    return states[0]


def describe(order) -> str:
    lines = ", ".join(f"{line.quantity} {line.unit} {line.name}" for line in order.lines.all())
    return f"{gettext('Order')} {order.number}: {lines}"[:255]


def check_order_period(*, at) -> None:
    """An order placed now must fall in a period that still accepts purchases."""
    from ebakul.core.periods import period_of

    check_purchase_date_period(period_of(at))


def purchase_from_order(*, order, at, actor) -> int:
    period = check_purchase_date(at)
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
        status=_verified_state(),
        created_by=actor,
    )
    purchase.period = period
    purchase.full_clean(exclude=["document_number", "receipt", "client_key"])
    purchase.document_number = next_document_number(f"EBK-PUR-{period}-")
    set_history_user(purchase, actor)
    purchase.save()
    return purchase.pk
