from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import ConflictError, DomainError
from ebakul.core.models import next_document_number

from .dates import check_purchase_date, check_purchase_date_period
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
    written; the document number is taken last so a refused purchase uses none. The date must
    be one a purchase can still be recorded for (``dates.check_purchase_date``: from the
    programme's start, not in the future, not in a locked period)."""
    period = check_purchase_date(purchased_at) if purchased_at else ""
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
    purchase.period = period
    purchase.full_clean(exclude=["document_number"])
    purchase.receipt_sha256 = receipt_sha256(receipt)
    purchase.document_number = next_document_number(f"EBK-PUR-{purchase.period}-")
    purchase._history_user = actor
    purchase.save()
    return purchase


MSG_NOT_EDITABLE = _("Only a draft purchase can be changed; later it moves through the workflow.")
MSG_WORKFLOW_FIELDS = _("Status and document number change only through the workflow.")
WORKFLOW_FIELDS = frozenset({"status", "status_note", "document_number", "period"})


@transaction.atomic
def purchase_update(*, purchase: Purchase, actor, **fields) -> Purchase:
    """Correct a draft purchase. Once submitted, its data is what the merchant confirms and the
    verifier checks, so it no longer changes; the status moves only through the workflow."""
    if WORKFLOW_FIELDS & fields.keys():
        raise DomainError(MSG_WORKFLOW_FIELDS, code="workflow_field")
    current = Purchase.objects.select_for_update().only("status", "period").get(pk=purchase.pk)
    if current.status != PurchaseStatus.DRAFT:
        raise ConflictError(MSG_NOT_EDITABLE, code="not_editable")
    if current.period:  # a draft already in a locked period cannot be changed either
        check_purchase_date_period(current.period)
    purchased_at = fields.get("purchased_at", purchase.purchased_at)
    period = check_purchase_date(purchased_at) if purchased_at else ""
    for name, value in fields.items():
        setattr(purchase, name, value)
    if period:
        purchase.period = period
    purchase.full_clean(exclude=["document_number"])
    if "receipt" in fields:
        purchase.receipt_sha256 = receipt_sha256(purchase.receipt)
    purchase._history_user = actor
    purchase.save()
    return purchase
