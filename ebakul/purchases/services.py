from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.core.history import set_history_user
from ebakul.core.models import next_document_number
from ebakul.core.uploads import save_with_files

from . import hooks
from .dates import check_purchase_date, check_purchase_date_period
from .models import Purchase, ReceiptReading
from .receipts import clean_receipt


def _clean_receipt_field(receipt):
    """The receipt as it will be stored (re-encoded, server-named); a refusal is an error of
    the receipt field."""
    try:
        return clean_receipt(receipt)
    except ValidationError as exc:
        raise ValidationError({"receipt": exc.error_list}) from exc


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
    client_key: str | None = None,
) -> Purchase:
    """Record a purchase in the initial state. Everything is validated before anything is
    written; the document number is taken last so a refused purchase uses none. The date must
    be one a purchase can still be recorded for (``dates.check_purchase_date``: from the
    programme's start, not in the future, not in a locked period).

    ``client_key`` (docs/adr/0162): the phone's key of this draft; sent again (a retry after a
    lost answer, an offline draft sent twice) it returns the purchase already recorded."""
    client_key = (client_key or "").strip()[:64] or None
    if client_key:
        existing = purchase_by_client_key(employee=employee, client_key=client_key)
        if existing is not None:
            return existing
    period = check_purchase_date(purchased_at) if purchased_at else ""
    if receipt:
        receipt = _clean_receipt_field(receipt)
        hooks.check_receipt(employee=employee, receipt=receipt)
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
        client_key=client_key,
        status=_workflow().initial_state(_workflow().PURCHASE),
        created_by=actor,
    )
    purchase.period = period
    purchase.full_clean(exclude=["document_number"])
    purchase.receipt_sha256 = receipt.sha256
    purchase.document_number = next_document_number(f"EBK-PUR-{purchase.period}-")
    set_history_user(purchase, actor)
    try:
        with transaction.atomic():  # a savepoint: the same key sent twice at once
            save_with_files(purchase)
    except IntegrityError:
        existing = (
            purchase_by_client_key(employee=employee, client_key=client_key) if client_key else None
        )
        if existing is None:
            raise
        return existing
    if purchase.receipt:
        hooks.receipt_stored(purchase)
    return purchase


def purchase_by_client_key(*, employee, client_key: str) -> Purchase | None:
    return Purchase.objects.filter(employee=employee, client_key=client_key).first()


MSG_NOT_EDITABLE = _("Only a draft purchase can be changed; later it moves through the workflow.")
MSG_WORKFLOW_FIELDS = _("Status and document number change only through the workflow.")
MSG_NOT_YOURS = _(
    "Only the employee of this purchase, or whoever recorded it, may change its draft."
)
MSG_EMPLOYEE_FIXED = _(
    "The employee of a purchase cannot be changed; record a new purchase for the other employee."
)
WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "merchant_note",
        "decision_reason",
        "contest_evidence",
        "document_number",
        "period",
    }
)


def _workflow():
    """The workflow's selectors: the initial state and which states may be edited are the
    workflow definition's (docs/adr/0125), not this module's."""
    from ebakul.workflow import selectors

    return selectors


def purchase_is_editable(purchase: Purchase) -> bool:
    wf = _workflow()
    return wf.has_flag(wf.PURCHASE, purchase.status, "is_editable")


def purchase_may_edit(*, purchase: Purchase, actor) -> bool:
    """Who edits a draft (docs/adr/0086): the purchase's own employee (their user) or whoever
    recorded it; nobody else, whatever their role. ``actor`` None is the system."""
    if actor is None:
        return True
    if not getattr(actor, "pk", None):
        return False
    if purchase.created_by_id == actor.pk:
        return True
    from ebakul.employees.models import Employee

    return Employee.objects.filter(pk=purchase.employee_id, user_id=actor.pk).exists()


def _employee_id(fields: dict):
    if "employee_id" in fields:
        return fields["employee_id"]
    employee = fields["employee"]
    return getattr(employee, "pk", employee)


@transaction.atomic
def purchase_update(*, purchase: Purchase, actor, **fields) -> Purchase:
    """Correct a draft purchase. Once submitted, its data is what the merchant confirms and the
    verifier checks, so it no longer changes; the status moves only through the workflow."""
    if WORKFLOW_FIELDS & fields.keys():
        raise DomainError(MSG_WORKFLOW_FIELDS, code="workflow_field")
    current = (
        Purchase.objects.select_for_update()
        .only("status", "employee_id", "created_by_id", "period")
        .get(pk=purchase.pk)
    )
    if not purchase_may_edit(purchase=current, actor=actor):
        raise PermissionDeniedError(MSG_NOT_YOURS, code="not_yours")
    if ("employee" in fields or "employee_id" in fields) and _employee_id(
        fields
    ) != current.employee_id:
        raise DomainError(MSG_EMPLOYEE_FIXED, code="employee_fixed", field="employee")
    if not purchase_is_editable(current):
        raise ConflictError(MSG_NOT_EDITABLE, code="not_editable")
    if current.period:  # a draft already in a locked period cannot be changed either
        check_purchase_date_period(current.period)
    purchased_at = fields.get("purchased_at", purchase.purchased_at)
    period = check_purchase_date(purchased_at) if purchased_at else ""
    if fields.get("receipt"):
        fields["receipt"] = _clean_receipt_field(fields["receipt"])
        hooks.check_receipt(
            employee=current.employee_id, receipt=fields["receipt"], purchase=purchase
        )
    for name, value in fields.items():
        setattr(purchase, name, value)
    # Whatever the caller's instance carries, who the purchase is for and who recorded it stay.
    if purchase.employee_id != current.employee_id:
        purchase.employee_id = current.employee_id
    purchase.created_by_id = current.created_by_id
    if period:
        purchase.period = period
    purchase.full_clean(exclude=["document_number"])
    if fields.get("receipt"):
        purchase.receipt_sha256 = fields["receipt"].sha256
    set_history_user(purchase, actor)
    purchase.save()
    if fields.get("receipt"):
        hooks.receipt_stored(purchase)
    return purchase


READING_FIELDS = (
    "text",
    "amount",
    "date",
    "receipt_number",
    "seller_name",
    "seller_phone",
    "seconds",
    "engine",
)


def receipt_reading_store(*, purchase_id: int, receipt_sha256: str, **values) -> ReceiptReading:
    """Store (or replace) what OCR read on a purchase's receipt. A reading of a receipt that was
    replaced meanwhile is dropped by the caller comparing ``receipt_sha256``."""
    unknown = set(values) - set(READING_FIELDS)
    if unknown:
        raise ValueError(f"unknown reading fields {sorted(unknown)}")
    values["text"] = (values.get("text") or "")[:20000]
    values["receipt_number"] = (values.get("receipt_number") or "")[:64]
    values["seller_name"] = (values.get("seller_name") or "")[:150]
    values["seller_phone"] = (values.get("seller_phone") or "")[:20]
    reading, _created = ReceiptReading.objects.update_or_create(
        purchase_id=purchase_id, defaults={"receipt_sha256": receipt_sha256, **values}
    )
    return reading


MSG_NOT_DELETABLE = _("Only a draft purchase can be deleted; a sent purchase stays on record.")


@transaction.atomic
def purchase_delete(*, purchase: Purchase, actor) -> None:
    """Delete an abandoned draft (docs/adr/0160): the same people who may edit it (its employee
    or whoever recorded it); a submitted purchase is part of the record and is never deleted.
    A draft has no document history beyond its creation, and its document number is simply
    left unused (numbers are unique, not gap-free)."""
    current = (
        Purchase.objects.select_for_update()
        .only("status", "employee_id", "created_by_id")
        .get(pk=purchase.pk)
    )
    if not purchase_may_edit(purchase=current, actor=actor):
        raise PermissionDeniedError(MSG_NOT_YOURS, code="not_yours")
    if not purchase_is_editable(current):
        raise ConflictError(MSG_NOT_DELETABLE, code="not_deletable")
    receipt = purchase.receipt
    set_history_user(current, actor)
    current.delete()
    if receipt:
        # The stored photo goes with the row, once the deletion is committed.
        name, storage = receipt.name, receipt.storage
        transaction.on_commit(lambda: storage.delete(name))


MSG_CONTEST_COMMENT_REQUIRED = _("Write why the purchase should be reviewed again.")
ACTION_CONTEST = "contest"


@transaction.atomic
def purchase_contest(*, purchase: Purchase, actor, comment: str, evidence=None) -> Purchase:
    """The employee asks for a rejected purchase to be reviewed again (docs/adr/0112): the
    workflow's ``contest`` action (its conditions hold the appeal window and "only once") with
    a required comment and, optionally, a new photo as evidence. Everything is checked before
    anything is written; a refusal changes nothing."""
    from ebakul.workflow.services import apply_action

    comment = (comment or "").strip()
    if not comment:
        raise DomainError(MSG_CONTEST_COMMENT_REQUIRED, code="comment_required", field="comment")
    if evidence:
        evidence = clean_receipt(evidence)  # refused before the workflow moves
    done = apply_action(document=purchase, action=ACTION_CONTEST, actor=actor, comment=comment)
    if evidence:
        done.contest_evidence = evidence
        set_history_user(done, actor)
        done.save(update_fields=["contest_evidence", "updated_at"])
        purchase.contest_evidence = done.contest_evidence
    return done
