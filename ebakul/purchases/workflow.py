"""The purchase as a workflow document (registered in ``apps.py``, docs/adr/0120)."""

from ebakul.merchants.workflow import merchant_concerns, portal_url
from ebakul.workflow.models import DocumentType, OwnerRule
from ebakul.workflow.registry import DocumentSpec

# Registered by the compliance app (``add_before_transition``): no purchase moves without it.
PERIOD_GUARD = "period_guard"


def _owner_user_id(purchase, rule: str) -> int | None:
    if rule == OwnerRule.EMPLOYEE_USER:
        return purchase.employee.user_id
    if rule == OwnerRule.MERCHANT_USER:
        return purchase.merchant.user_id
    return None


def _concerns(purchase, user) -> bool:
    """A purchase concerns its employee's user and the accounts of its merchant's owner."""
    if purchase.employee.user_id == user.pk:
        return True
    return merchant_concerns(purchase.merchant, user)


def _concerns_beyond_owner(purchase, user, rule: str) -> bool:
    """A merchant owner confirming a sale to themselves as the employee is self-dealing, whoever
    recorded the purchase."""
    return rule == OwnerRule.MERCHANT_USER and purchase.employee.user_id == user.pk


def _notify_targets(purchase, *, refusal: bool) -> list[tuple[int | None, str]]:
    """The employee; for a refusal also the merchant whose sale it is."""
    targets = [(purchase.employee.user_id, portal_url("portal:purchase_detail", purchase.pk))]
    if refusal:
        targets.append((purchase.merchant.user_id, portal_url("portal:merchant_sales")))
    return targets


def _note_field(purchase, transition) -> str:
    """Two notes with two authors (docs/adr/0111): what the merchant wrote (their own actions)
    and the verifier's reason (everybody else's)."""
    if transition.owner_rule == OwnerRule.MERCHANT_USER:
        return "merchant_note"
    return "decision_reason"


SPEC = DocumentSpec(
    key=DocumentType.PURCHASE,
    owner_user_id=_owner_user_id,
    creator_user_id=lambda purchase: purchase.created_by_id,
    concerns=_concerns,
    concerns_beyond_owner=_concerns_beyond_owner,
    notify_targets=_notify_targets,
    scope_ids=lambda purchase: (purchase.employee.work_unit_id, purchase.merchant.kecamatan_id),
    note_field=_note_field,
    note_fields=("merchant_note", "decision_reason"),
    required_hooks=(PERIOD_GUARD,),
)
