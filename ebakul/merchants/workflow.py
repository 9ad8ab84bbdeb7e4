"""The merchant registration as a workflow document (registered in ``apps.py``, docs/adr/0120)."""

from django.urls import NoReverseMatch, reverse

from ebakul.workflow.models import DocumentType, OwnerRule
from ebakul.workflow.registry import DocumentSpec

from .models import UmkmMerchant
from .services import merchant_status_changed


def portal_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def owned_merchant_niks(user) -> frozenset[str]:
    """The owner NIKs of the merchants whose account ``user`` is: every business of that owner
    concerns the user. Cached on the user object for the request (like roles)."""
    cache = getattr(user, "_ebakul_owner_niks", None)
    if cache is None:
        cache = frozenset(
            UmkmMerchant.objects.filter(user_id=user.pk).values_list("owner_nik", flat=True)
        )
        user._ebakul_owner_niks = cache
    return cache


def merchant_concerns(merchant, user) -> bool:
    """A merchant concerns its own account and every account of its owner (same owner NIK)."""
    if merchant.user_id == user.pk:
        return True
    return merchant.owner_nik in owned_merchant_niks(user)


def _owner_user_id(merchant, rule: str) -> int | None:
    return merchant.user_id if rule == OwnerRule.MERCHANT_USER else None


def _status_changed(merchant, *, old: str, new: str, at) -> None:
    merchant_status_changed(merchant=merchant, old=old, new=new, at=at)


SPEC = DocumentSpec(
    key=DocumentType.MERCHANT,
    owner_user_id=_owner_user_id,
    creator_user_id=lambda merchant: merchant.user_id,
    concerns=merchant_concerns,
    notify_targets=lambda merchant, *, refusal: [
        (merchant.user_id, portal_url("portal:merchant_home"))
    ],
    scope_ids=lambda merchant: (None, merchant.kecamatan_id),
    note_field=lambda merchant, transition: "status_note",
    note_fields=("status_note",),
    after_transition=(_status_changed,),
)
