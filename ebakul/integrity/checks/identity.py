"""Who buys from whom (issue 15): a purchase from a business the buyer owns (same NIK), that the
buyer's household owns (same family card, nomor KK), or that was registered from the buyer's own
account or e-mail. Matching compares keyed hashes only (ebakul/core/keyed_hash.py): the details a
verifier reads never contain a raw NIK or KK number (docs/adr/0210)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ebakul.integrity.detectors import Finding, purchase_detector, register_signal
from ebakul.merchants.models import UmkmMerchant

SELF_PURCHASE_NIK = register_signal(
    "self_purchase_nik",
    _("Bought from own business"),
    90,
    _("The buyer's NIK is the NIK of the merchant's owner."),
)
SELF_PURCHASE_HOUSEHOLD = register_signal(
    "self_purchase_household",
    _("Bought from own household's business"),
    70,
    _("The buyer's family card (KK) number is the merchant owner's KK number."),
)
MERCHANT_REGISTERED_BY_BUYER = register_signal(
    "merchant_registered_by_buyer",
    _("Merchant registered by the buyer"),
    80,
    _(
        "The merchant was registered from the buyer's own account, with the buyer's e-mail "
        "address, or with a phone number of another business the buyer registered."
    ),
)


@purchase_detector("identity")
def identity_findings(purchase) -> Iterator[Finding]:
    employee, merchant = purchase.employee, purchase.merchant
    if employee.nik_hash and employee.nik_hash == merchant.owner_nik_hash:
        yield Finding(
            SELF_PURCHASE_NIK.code,
            _g("The buyer's NIK (%(nik)s) is the owner's NIK of %(business)s.")
            % {"nik": employee.nik_masked, "business": merchant.business_name},
            related_merchant_id=merchant.pk,
        )
    elif employee.kk_hash and employee.kk_hash == merchant.owner_kk_hash:
        yield Finding(
            SELF_PURCHASE_HOUSEHOLD.code,
            _g("The buyer's family card (%(kk)s) is the family card of the owner of %(business)s.")
            % {"kk": employee.kk_number_masked, "business": merchant.business_name},
            related_merchant_id=merchant.pk,
        )
    how = _registered_by_buyer(employee, merchant)
    if how:
        yield Finding(
            MERCHANT_REGISTERED_BY_BUYER.code,
            how % {"business": merchant.business_name},
            related_merchant_id=merchant.pk,
        )


def _registered_by_buyer(employee, merchant) -> str:
    if employee.user_id is None or merchant.user_id is None:
        return ""
    if employee.user_id == merchant.user_id:
        return _g("%(business)s was registered from the buyer's own account.")
    buyer_email = (employee.user.email or "").strip().lower()
    if buyer_email and buyer_email == (merchant.user.email or "").strip().lower():
        return _g("%(business)s was registered with the buyer's e-mail address.")
    # eBakul knows an employee's phone only from businesses registered from their account.
    if merchant.phone and (
        UmkmMerchant.objects.filter(user_id=employee.user_id, phone=merchant.phone)
        .exclude(pk=merchant.pk)
        .exists()
    ):
        return _g("%(business)s was registered with a phone number of the buyer's own business.")
    return ""
