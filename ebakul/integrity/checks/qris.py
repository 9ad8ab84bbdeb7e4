"""QRIS signals (issue 15): one NMID on two merchants, and a QRIS whose merchant name has nothing
to do with the business it is registered for (a fuzzy comparison of distinctive words,
ebakul/merchants/qris.names_related)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ebakul.integrity.detectors import Finding, purchase_detector, register_signal
from ebakul.merchants.models import UmkmMerchant
from ebakul.merchants.qris import names_related

QRIS_NMID_SHARED = register_signal(
    "qris_nmid_shared",
    _("QRIS shared with another business"),
    60,
    _("The merchant's QRIS NMID is also registered by another merchant."),
)
QRIS_NAME_MISMATCH = register_signal(
    "qris_name_mismatch",
    _("QRIS name differs from the business"),
    30,
    _("The merchant name in the QRIS shares no word with the business or owner name."),
)


@purchase_detector("qris")
def qris_findings(purchase) -> Iterator[Finding]:
    merchant = purchase.merchant
    others = []
    if merchant.qris_nmid:
        others = list(
            UmkmMerchant.objects.filter(qris_nmid=merchant.qris_nmid)
            .exclude(pk=merchant.pk)
            .order_by("pk")
            .values_list("pk", "business_name")[:5]
        )
    for other_pk, other_name in others:
        yield Finding(
            QRIS_NMID_SHARED.code,
            _g("The QRIS %(nmid)s of %(business)s is also registered by %(other)s.")
            % {"nmid": merchant.qris_nmid, "business": merchant.business_name, "other": other_name},
            related_merchant_id=other_pk,
        )
    if merchant.qris_name and not names_related(
        merchant.qris_name, merchant.business_name, merchant.owner_name
    ):
        yield Finding(
            QRIS_NAME_MISMATCH.code,
            _g("The QRIS is in the name of “%(qris)s”, the business is “%(business)s”.")
            % {"qris": merchant.qris_name, "business": merchant.business_name},
            related_merchant_id=merchant.pk,
        )
