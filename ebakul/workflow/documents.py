"""What the engine needs to know about each document type: who owns it, who created it, where it
is scoped, and the hooks other apps run around a transition. One place per document type."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from .models import DocumentType, OwnerRule


def document_key(document) -> str:
    meta = document._meta
    key = f"{meta.app_label}.{meta.model_name}"
    if key not in DocumentType.values:
        raise ValueError(f"{key} has no workflow")
    return key


def model_for(key: str):
    return apps.get_model(key)


def _employee(document):
    return getattr(document, "employee", None)


def owner_user_id(document, rule: str) -> int | None:
    key = document_key(document)
    if rule == OwnerRule.EMPLOYEE_USER and key == DocumentType.PURCHASE:
        return _employee(document).user_id
    if rule == OwnerRule.MERCHANT_USER:
        if key == DocumentType.MERCHANT:
            return document.user_id
        if key == DocumentType.PURCHASE:
            return document.merchant.user_id
    return None


def creator_user_id(document) -> int | None:
    """Purchases: who recorded it. Merchants: the merchant's own account."""
    if document_key(document) == DocumentType.PURCHASE:
        return document.created_by_id
    return document.user_id


def owned_merchant_niks(user) -> frozenset[str]:
    """The owner NIKs of the merchants whose account ``user`` is: every business of that owner
    concerns the user. Cached on the user object for the request (like roles)."""
    cache = getattr(user, "_ebakul_owner_niks", None)
    if cache is None:
        from ebakul.merchants.models import UmkmMerchant

        cache = frozenset(
            UmkmMerchant.objects.filter(user_id=user.pk).values_list("owner_nik", flat=True)
        )
        user._ebakul_owner_niks = cache
    return cache


def concerns(document, user) -> bool:
    """Whether ``document`` concerns ``user`` personally (separation of duties, docs/adr/0085):
    a purchase concerns its employee's user and the accounts of its merchant's owner; a merchant
    the accounts of its owner (every business registered under the same owner NIK)."""
    if user is None or not user.pk:
        return False
    key = document_key(document)
    if key == DocumentType.PURCHASE:
        if _employee(document).user_id == user.pk:
            return True
        merchant = document.merchant
    else:
        merchant = document
    if merchant.user_id == user.pk:
        return True
    return merchant.owner_nik in owned_merchant_niks(user)


def concerns_beyond_owner(document, user, rule: str) -> bool:
    """Whether ``document`` concerns ``user`` in a capacity other than the owner ``rule`` they
    act by: a merchant owner confirming a sale to themselves as the employee is self-dealing,
    whoever recorded the purchase."""
    if user is None or not user.pk:
        return False
    if document_key(document) == DocumentType.PURCHASE and rule == OwnerRule.MERCHANT_USER:
        return _employee(document).user_id == user.pk
    return False


def notify_user_id(document) -> int | None:
    """Whom to tell about a transition: the employee for a purchase, the merchant otherwise."""
    if document_key(document) == DocumentType.PURCHASE:
        return _employee(document).user_id
    return document.user_id


def scope_ids(document) -> tuple[int | None, int | None]:
    """(work unit id, kecamatan id) used to pick a verifier."""
    if document_key(document) == DocumentType.PURCHASE:
        return _employee(document).work_unit_id, document.merchant.kecamatan_id
    return None, document.kecamatan_id


def note_field(document, transition) -> str:
    """Where a transition's note is kept. Purchases keep two notes with two authors
    (docs/adr/0111): what the merchant wrote (their own actions) and the verifier's reason
    (everybody else's). Merchants have one, the verifier's ``status_note``."""
    if document_key(document) == DocumentType.PURCHASE:
        if transition.owner_rule == OwnerRule.MERCHANT_USER:
            return "merchant_note"
        return "decision_reason"
    return "status_note"


def note_fields(document) -> tuple[str, ...]:
    if document_key(document) == DocumentType.PURCHASE:
        return ("merchant_note", "decision_reason")
    return ("status_note",)


def _reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def notify_targets(document, *, refusal: bool = False) -> list[tuple[int | None, str]]:
    """[(user id, portal url)] of the people told about a transition: the employee for a
    purchase (and, for a refusal, the merchant whose sale it is), the merchant for its
    registration."""
    if document_key(document) == DocumentType.PURCHASE:
        targets = [(_employee(document).user_id, _reverse("portal:purchase_detail", document.pk))]
        if refusal:
            targets.append((document.merchant.user_id, _reverse("portal:merchant_sales")))
        return targets
    return [(document.user_id, _reverse("portal:merchant_home"))]


def desk_url(key: str, object_id: int) -> str:
    app_label, model_name = key.split(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[object_id])
    except NoReverseMatch:
        return ""


def before_transition(document, action: str) -> None:
    """Purchases: the compliance app may refuse changes in locked periods."""
    if document_key(document) != DocumentType.PURCHASE:
        return
    try:
        from ebakul.compliance.services import assert_purchase_changeable
    except (ImportError, AttributeError):
        return
    assert_purchase_changeable(purchase=document, action=action)


def after_transition(document, *, old: str, new: str, at) -> None:
    if document_key(document) == DocumentType.MERCHANT:
        from ebakul.merchants.services import merchant_status_changed

        merchant_status_changed(merchant=document, old=old, new=new, at=at)
