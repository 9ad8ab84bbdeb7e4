from django.db.models import Exists, OuterRef, Q, QuerySet

from ebakul.accounts import roles
from ebakul.workflow.selectors import MERCHANT, has_flag

from .models import ChainDenyEntry, MerchantVerificationSpan, UmkmMerchant


def chain_match(business_name: str) -> ChainDenyEntry | None:
    name = business_name.casefold()
    for entry in ChainDenyEntry.objects.all().only("name"):
        if entry.name.casefold() in name:
            return entry
    return None


def merchants_visible_to(user) -> QuerySet[UmkmMerchant]:
    """Row scoping for merchants: staff see all, a merchant only its own, others none."""
    qs = UmkmMerchant.objects.select_related("category", "kecamatan")
    if not user or not user.is_authenticated:
        return qs.none()
    if user.is_superuser or any(
        roles.has_role(user, r) for r in (roles.ADMIN, roles.VERIFIER, roles.UNIT_OPERATOR)
    ):
        return qs
    if roles.has_role(user, roles.MERCHANT):
        return qs.filter(user=user)
    return qs.none()


def merchants_selectable() -> QuerySet[UmkmMerchant]:
    """Merchants an employee may record a purchase with: in a state the merchant workflow
    counts as verified (a subquery, ADR 0125), not modern retail."""
    from ebakul.workflow.selectors import MERCHANT, state_codes

    return UmkmMerchant.objects.filter(
        status__in=state_codes(MERCHANT, "counts_as_verified"), is_modern_retail=False
    )


def verified_at_q(merchant_ref: str, at_ref: str) -> Exists:
    """An ``Exists`` that is true when the merchant was verified at the given time.

    ``merchant_ref`` / ``at_ref`` name fields of the outer query, e.g. ("merchant_id",
    "purchased_at").
    """
    return Exists(
        MerchantVerificationSpan.objects.filter(
            Q(verified_until__isnull=True) | Q(verified_until__gt=OuterRef(at_ref)),
            merchant_id=OuterRef(merchant_ref),
            verified_from__lte=OuterRef(at_ref),
        )
    )


def merchant_verified(doc) -> bool:
    """The workflow condition ``merchant_is_verified``: the document's merchant (or the merchant
    itself) is in a state the merchant workflow counts as verified, and was verified when the
    purchase was made."""
    merchant = getattr(doc, "merchant", None)
    if merchant is None:  # the document is a merchant
        return has_flag(MERCHANT, doc.status, "counts_as_verified")
    if not has_flag(MERCHANT, merchant.status, "counts_as_verified"):
        return False
    at = getattr(doc, "purchased_at", None)
    if at is None:
        return True
    return MerchantVerificationSpan.objects.filter(
        Q(verified_until__isnull=True) | Q(verified_until__gt=at),
        merchant_id=merchant.pk,
        verified_from__lte=at,
    ).exists()
