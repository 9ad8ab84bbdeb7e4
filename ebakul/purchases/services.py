from django.db import transaction

from ebakul.core.models import next_document_number
from ebakul.core.periods import period_of

from .models import Purchase, PurchaseStatus
from .receipts import receipt_sha256


@transaction.atomic
def purchase_create(
    *,
    employee,
    merchant,
    purchased_at,
    amount,
    receipt,
    actor,
    category=None,
    description: str = "",
    payment_method: str = "cash",
    qris_reference: str = "",
) -> Purchase:
    """Record a purchase in the initial state. Everything is validated before anything is
    written; the document number is taken last so a refused purchase uses none."""
    purchase = Purchase(
        employee=employee,
        merchant=merchant,
        purchased_at=purchased_at,
        amount=amount,
        description=description,
        category=category or merchant.category,
        receipt=receipt,
        payment_method=payment_method,
        qris_reference=qris_reference,
        status=PurchaseStatus.DRAFT,
        created_by=actor,
    )
    if purchased_at:
        purchase.period = period_of(purchased_at)
    purchase.full_clean(exclude=["document_number"])
    purchase.receipt_sha256 = receipt_sha256(receipt)
    purchase.document_number = next_document_number(f"EBK-PUR-{purchase.period}-")
    purchase._history_user = actor
    purchase.save()
    return purchase
