import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from ebakul.accounts import roles
from ebakul.core.history import set_history_user
from ebakul.core.models import next_document_number
from ebakul.core.periods import now_wib

from .models import MerchantVerificationSpan, UmkmMerchant
from .qris import parse_qris, qris_from_image


def merchant_document_number() -> str:
    return next_document_number(f"EBK-UMKM-{now_wib().year}-")


@transaction.atomic
def merchant_create(*, actor, **fields) -> UmkmMerchant:
    """Register a merchant in the workflow's initial state. Validates everything first."""
    merchant = UmkmMerchant(**fields)
    merchant.status = _workflow().initial_state(_workflow().MERCHANT)
    merchant.document_number = "pending"
    merchant.full_clean(exclude=["document_number"])
    merchant.document_number = merchant_document_number()
    set_history_user(merchant, actor)
    merchant.save()
    return merchant


def _workflow():
    """The workflow's selectors: which state a registration starts in and which states may be
    edited are the workflow definition's (docs/adr/0125), not this module's."""
    from ebakul.workflow import selectors

    return selectors


def merchant_is_editable(merchant: UmkmMerchant) -> bool:
    wf = _workflow()
    return wf.has_flag(wf.MERCHANT, merchant.status, "is_editable")


MSG_NOT_EDITABLE = _lazy(
    "The registration can be changed only while it is a draft or needs correction."
)
MSG_NOT_YOURS = _lazy(
    "Only the business owner's own account or an administrator may change this registration."
)


def merchant_may_edit(*, merchant: UmkmMerchant, actor) -> bool:
    """Who edits a registration (docs/adr/0086): the merchant's own account, or an administrator
    (who registers merchants on their behalf); never a verifier or an operator, who would then
    verify data they wrote themselves. ``actor`` None is the system."""
    if actor is None:
        return True
    if not getattr(actor, "pk", None):
        return False
    return merchant.user_id == actor.pk or roles.is_admin(actor)


@transaction.atomic
def merchant_update(*, merchant: UmkmMerchant, actor, **fields) -> UmkmMerchant:
    """Change a merchant's data (never its status). The owner may edit only while the
    registration is a draft or was sent back for correction; then it is resubmitted through
    the workflow."""
    from ebakul.core.errors import ConflictError

    merchant = UmkmMerchant.objects.select_for_update().get(pk=merchant.pk)
    if not merchant_may_edit(merchant=merchant, actor=actor):
        from ebakul.core.errors import PermissionDeniedError

        raise PermissionDeniedError(MSG_NOT_YOURS, code="merchant_not_yours")
    if not merchant_is_editable(merchant):
        raise ConflictError(MSG_NOT_EDITABLE, code="merchant_not_editable")
    for name, value in fields.items():
        if name in ("status", "status_note", "document_number", "user", "id", "pk"):
            raise ValueError(f"merchant_update cannot change {name}")
        setattr(merchant, name, value)
    merchant.full_clean()
    set_history_user(merchant, actor)
    merchant.save()
    return merchant


def merchant_status_changed(
    *, merchant: UmkmMerchant, old: str, new: str, at: dt.datetime | None = None
) -> None:
    """Keep the verification spans in step with the status. Called inside the transition's
    transaction by the workflow engine (and by the demo seeder)."""
    at = at or timezone.now()
    wf = _workflow()
    was = wf.has_flag(wf.MERCHANT, old, "counts_as_verified")
    now = wf.has_flag(wf.MERCHANT, new, "counts_as_verified")
    if now and not was:
        MerchantVerificationSpan.objects.create(merchant=merchant, verified_from=at)
    elif was and not now:
        MerchantVerificationSpan.objects.filter(
            merchant=merchant, verified_until__isnull=True
        ).update(verified_until=at)


# --- QRIS (issue 15) ---------------------------------------------------------------------------


@transaction.atomic
def merchant_set_qris(*, merchant: UmkmMerchant, actor, payload: str = "", image=None):
    """Store a merchant's QRIS from a pasted payload or a sticker photo (``image``: the bytes of
    an upload already cleaned by ``ebakul.core.uploads``). The owner's account or an
    administrator may do it in any state (the QRIS is a payment detail, kept in the history); the
    NMID of another merchant is not refused here: it is the ``qris_nmid_shared`` signal on
    purchases, since the first registrant may be the wrong one (docs/adr/0212)."""
    from ebakul.core.errors import PermissionDeniedError

    merchant = UmkmMerchant.objects.select_for_update().get(pk=merchant.pk)
    if not merchant_may_edit(merchant=merchant, actor=actor):
        raise PermissionDeniedError(MSG_NOT_YOURS, code="merchant_not_yours")
    qris = qris_from_image(image) if image is not None and not payload else parse_qris(payload)
    merchant.qris_payload = qris.payload
    merchant.qris_nmid = qris.nmid
    merchant.qris_name = qris.merchant_name[:100]
    merchant.qris_city = qris.city[:50]
    merchant.full_clean()
    set_history_user(merchant, actor)
    merchant.save()
    return merchant


# --- Migration from the running programme (issue 15, manage.py import_merchants) ---------------


def verified_state_code() -> str:
    """The merchant workflow's state that counts as verified (the first, in display order)."""
    wf = _workflow()
    for code in wf.workflow_states(wf.MERCHANT):
        if wf.has_flag(wf.MERCHANT, code, "counts_as_verified"):
            return code
    raise LookupError("the merchant workflow has no verified state")


@transaction.atomic
def merchant_import_verification(
    *, merchant: UmkmMerchant, verified_from: dt.datetime, actor=None, note: str = ""
) -> UmkmMerchant:
    """Carry over a verification made before eBakul (docs/adr/0213): the registration goes to
    the workflow's verified state as an event of ``actor`` (None: the system) with ``note``,
    and its verification span starts at ``verified_from`` (purchases from then on count)."""
    from ebakul.workflow.models import WorkflowEvent

    merchant = UmkmMerchant.objects.select_for_update().get(pk=merchant.pk)
    wf = _workflow()
    if wf.has_flag(wf.MERCHANT, merchant.status, "counts_as_verified"):
        return merchant
    old, new = merchant.status, verified_state_code()
    merchant.status = new
    set_history_user(merchant, actor)
    merchant.save(update_fields=["status", "updated_at"])
    WorkflowEvent.objects.create(
        document_type=wf.MERCHANT,
        object_id=merchant.pk,
        from_state=old,
        to_state=new,
        action="import_verified",
        actor=actor,
        comment=note,
    )
    merchant_status_changed(merchant=merchant, old=old, new=new, at=verified_from)
    return merchant
