"""Duplicate receipts: the same photo (bytes or pixels) or a near copy of an EARLIER claim."""

import logging

from django.utils.translation import gettext_lazy as _

from ebakul.integrity import selectors
from ebakul.integrity.detectors import Finding, purchase_detector, register_signal
from ebakul.integrity.fingerprints import (
    SAME_PAPER,
    SAME_PAPER_SAME_CLAIM,
    SAME_RECEIPT,
    SAME_RECEIPT_OTHER_CLAIM,
    same_receipt,
)
from ebakul.integrity.models import ReceiptFingerprint
from ebakul.integrity.ocr import numbers_differ
from ebakul.purchases.models import Purchase

log = logging.getLogger(__name__)

EXACT = register_signal(
    "duplicate_receipt_exact",
    _("Same receipt photo as an earlier claim"),
    100,
    _("The stored bytes or the decoded pixels equal those of an earlier purchase's receipt."),
)
NEAR = register_signal(
    "duplicate_receipt_near",
    _("Receipt photo looks like an earlier claim's"),
    70,
    _(
        "The perceptual hashes (any rotation) are close to an earlier purchase's receipt and the "
        "two pictures show the same strokes: re-encoded, resized, cropped, brightened, rotated "
        "or photographed from a screen."
    ),
)
NEAR_OTHER_NUMBER = register_signal(
    "duplicate_receipt_near_other_number",
    _("Receipt photo looks like an earlier claim's, but its number differs"),
    40,
    _(
        "The pictures match an earlier purchase's receipt as a copy would, but the receipt "
        "numbers read on the two are different: two receipts of one shop for the same order look "
        "alike. A verifier compares the two receipts."
    ),
)
MAX_VERIFIED = 5  # near matches compared on the pictures, nearest first


def _number(pk: int) -> str:
    return Purchase.objects.filter(pk=pk).values_list("document_number", flat=True).first() or ""


def _receipt_bytes(purchase) -> bytes | None:
    try:
        with purchase.receipt.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


def confirmed(purchase, match: selectors.NearMatch) -> bool:
    """``verdict`` on a near match of ``purchase``, its pictures read from storage."""
    other = Purchase.objects.filter(pk=match.purchase_id).first()
    if other is None:
        return False

    def score() -> float | None:
        mine = _receipt_bytes(purchase) if purchase.receipt else None
        theirs = _receipt_bytes(other) if other.receipt else None
        if mine is None or theirs is None:
            return None
        try:
            return same_receipt(mine, theirs, match.angle, paper=match.paper)
        except Exception:  # noqa: BLE001 - a picture the upload accepted; the hashes decide
            log.warning("near-duplicate verification failed", exc_info=True)
            return None

    return verdict(match, same_claim(purchase, other), score)


def verdict(match: selectors.NearMatch, claim: bool, score) -> bool:
    """Whether a near match shows the same receipt (docs/adr/0222, 0231). Hashes so close that
    the pictures need no look decide alone when both claims name the same merchant and amount
    (``claim``); sparse pictures of other receipts, such as two orders' receipts, come that
    close too. Otherwise ``score()`` (the pictures' score, None when they cannot be read)
    decides through ``is_same``; pictures that cannot be read leave the first set of hashes to
    decide (a match), never the paper's alone."""
    if match.sure and claim:
        return True
    value = score()
    if value is None:
        return not match.paper
    return is_same(value, match.paper, claim)


def same_claim(purchase, other) -> bool:
    """Both claims name the same merchant and the same amount."""
    return (purchase.merchant_id, purchase.amount) == (other.merchant_id, other.amount)


def is_same(score: float, paper: bool, same_claim: bool) -> bool:
    """Whether a picture score shows the same receipt. A copy claims what its original claimed
    (the receipt's merchant and total), so a lower score suffices when the two claims name the
    same merchant and amount; two honest receipts of one shop and length rarely share a total
    (docs/adr/0231). First set of hashes: ``SAME_RECEIPT`` with the same claim, else
    ``SAME_RECEIPT_OTHER_CLAIM``; the paper's: ``SAME_PAPER_SAME_CLAIM``, else ``SAME_PAPER``."""
    if paper:
        return score >= (SAME_PAPER_SAME_CLAIM if same_claim else SAME_PAPER)
    return score >= (SAME_RECEIPT if same_claim else SAME_RECEIPT_OTHER_CLAIM)


def confirmed_matches(near: list[selectors.NearMatch], confirm) -> list[selectors.NearMatch]:
    """The near matches that ``confirm`` (``confirmed``: the pictures show the same receipt)
    accepts, among the ``MAX_VERIFIED`` nearest purchases (a purchase matched by both sets of
    hashes is confirmed by either)."""
    looked: set[int] = set()
    same: dict[int, selectors.NearMatch] = {}  # purchase -> its first confirmed match
    for m in near:
        if m.purchase_id in same:
            continue
        if m.purchase_id not in looked and len(looked) >= MAX_VERIFIED:
            continue
        looked.add(m.purchase_id)
        if confirm(m):
            same[m.purchase_id] = m
    return list(same.values())


@purchase_detector("duplicate_receipt")
def duplicate_receipt(purchase):
    if selectors.completed_order_for(purchase.pk) is not None:
        # Its receipt is eBakul's drawing of the order (purchases/from_orders.py), not a photo
        # anyone uploaded; the drawings of two orders look alike. A photo uploaded later that
        # copies it is still compared with it (docs/adr/0231).
        return
    exact = selectors.exact_duplicates(purchase, before_id=purchase.pk)
    if exact:
        yield Finding(
            EXACT.code,
            _("Same photo as %(number)s.") % {"number": _number(exact[0])},
            related_purchase_id=exact[0],
        )
        return
    fp = ReceiptFingerprint.objects.filter(purchase_id=purchase.pk).first()
    if fp is None:
        return
    near = selectors.near_duplicates(fp, before_id=purchase.pk)
    same = confirmed_matches(near, lambda m: confirmed(purchase, m))
    if not same:
        return
    # A match whose receipt number, read on both receipts, is another is no copy's evidence
    # (docs/adr/0233): it is named with the weaker signal unless a match without that remains.
    numbers = selectors.receipt_numbers([purchase.pk, *(m.purchase_id for m in same)])
    mine = numbers.get(purchase.pk, "")
    copies = [m for m in same if not numbers_differ(mine, numbers.get(m.purchase_id, ""))]
    # The earliest of the matching claims is the original.
    if copies:
        first = min(copies, key=lambda m: m.purchase_id)
        yield Finding(
            NEAR.code,
            _("Looks like the receipt of %(number)s.") % {"number": _number(first.purchase_id)},
            related_purchase_id=first.purchase_id,
        )
        return
    first = min(same, key=lambda m: m.purchase_id)
    yield Finding(
        NEAR_OTHER_NUMBER.code,
        _(
            "Looks like the receipt of %(number)s, but its receipt number reads %(mine)s and "
            "that one's %(theirs)s."
        )
        % {
            "number": _number(first.purchase_id),
            "mine": mine,
            "theirs": numbers[first.purchase_id],
        },
        related_purchase_id=first.purchase_id,
    )
