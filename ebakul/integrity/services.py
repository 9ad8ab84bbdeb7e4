"""Writes of the integrity app (issue 15): fingerprints, the upload check, scores and routes.

The order of claims is the order of purchase ids (the import takes rows in file order): the
earlier claim of a receipt or of a payment reference is the original; a later copy is flagged
with the original as its related purchase, never the other way round.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ebakul.core.dispatch import dispatch
from ebakul.core.errors import DomainError
from ebakul.core.periods import today_wib
from ebakul.purchases.models import Purchase

from . import detectors, ocr, selectors
from .fingerprints import Fingerprint, fingerprint, pixels_of
from .models import PaymentReference, PurchaseRisk, ReceiptFingerprint, RiskReason, Route

log = logging.getLogger(__name__)

MSG_COLLEAGUES_RECEIPT = _(
    "This receipt photo was already sent by another employee. Upload the receipt of your own "
    "purchase."
)
MSG_NOT_LOW_RISK = _("The system verifies only low-risk purchases; a verifier checks this one.")
MSG_NOT_READ_YET = _("The receipt has not been read yet; the system verifies it after reading.")
SIGNAL_EXACT = "duplicate_receipt_exact"
AUTO_VERIFY = "auto_verify"


def _employee_id(employee) -> int:
    return int(getattr(employee, "pk", employee))


# --- At upload ------------------------------------------------------------------------------
def check_receipt_upload(*, employee, receipt, purchase=None) -> None:
    """Refuse the exact copy (same stored bytes or same pixels) of ANOTHER employee's receipt.
    The employee's own copy is not refused here (it is a signal of the later claim)."""
    employee_id = _employee_id(employee)
    sha = getattr(receipt, "sha256", "")
    others = Purchase.objects.exclude(employee_id=employee_id)
    if purchase is not None and purchase.pk:
        others = others.exclude(pk=purchase.pk)
    if sha and others.filter(receipt_sha256=sha).exists():
        raise ValidationError({"receipt": ValidationError(MSG_COLLEAGUES_RECEIPT, SIGNAL_EXACT)})
    try:
        receipt.seek(0)
        pixels = pixels_of(receipt.read())
        receipt.seek(0)
    except Exception:  # noqa: BLE001 - a picture clean_upload accepted; never block on a hash
        log.warning("pixel hash failed at upload", exc_info=True)
        return
    if (
        ReceiptFingerprint.objects.filter(sha256_pixels=pixels)
        .exclude(purchase__employee_id=employee_id)
        .exclude(purchase_id=getattr(purchase, "pk", None) or 0)
        .exists()
    ):
        raise ValidationError({"receipt": ValidationError(MSG_COLLEAGUES_RECEIPT, SIGNAL_EXACT)})


# Set by the import, which fingerprints and scores each row itself, in file order.
_INLINE: ContextVar[bool] = ContextVar("integrity_inline", default=False)


@contextmanager
def inline_checks():
    token = _INLINE.set(True)
    try:
        yield
    finally:
        _INLINE.reset(token)


def receipt_stored(purchase) -> None:
    if _INLINE.get():
        return
    from .tasks import fingerprint_purchase_task

    dispatch(fingerprint_purchase_task, purchase.pk)


# --- Fingerprints ---------------------------------------------------------------------------
def fingerprint_fields(fp: Fingerprint) -> dict:
    h = fp.hashes
    return {
        "sha256_bytes": fp.sha256_bytes,
        "sha256_pixels": fp.sha256_pixels,
        "phash": h.phash,
        "dhash": h.dhash,
        "phash16": h.phash16,
        "rotations": [[r.phash, r.dhash, r.phash16] for r in fp.rotated],
        "paper_phash": fp.paper.phash if fp.paper else None,
        "paper_dhash": fp.paper.dhash if fp.paper else None,
        "paper_phash16": fp.paper.phash16 if fp.paper else "",
        "paper_rotations": [[r.phash, r.dhash, r.phash16] for r in fp.paper_rotated],
        "width": fp.width,
        "height": fp.height,
    }


PERCEPTUAL = ("phash", "dhash", "phash16", "rotations", "paper_phash16", "paper_rotations")


def _changed(stored: ReceiptFingerprint, fields: dict) -> bool:
    """Another picture, or hashes made another way: the fingerprint needs a new row."""
    return any(getattr(stored, f) != fields[f] for f in PERCEPTUAL)


def normalise_reference(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:64]


def record_facts(
    purchase: Purchase, *, fp: Fingerprint | None = None, with_receipt: bool = True
) -> None:
    """Store what the detectors look up: the receipt's fingerprint and the payment reference.
    ``fp`` may be computed beforehand (the import hashes in worker processes)."""
    if with_receipt and purchase.receipt and fp is None:
        with purchase.receipt.open("rb") as fh:
            fp = fingerprint(fh.read())
    if fp is not None:
        fields = fingerprint_fields(fp)
        stored = ReceiptFingerprint.objects.filter(purchase=purchase).first()
        if stored is not None and _changed(stored, fields):
            # Another picture: a new row, so the in-memory index (hashindex.py) sees it.
            stored.delete()
            stored = None
        if stored is None:
            ReceiptFingerprint.objects.create(purchase=purchase, **fields)
        else:
            ReceiptFingerprint.objects.filter(pk=stored.pk).update(**fields)
    reference = normalise_reference(purchase.qris_reference)
    if reference:
        PaymentReference.objects.update_or_create(
            purchase=purchase, defaults={"reference": reference}
        )
    else:
        PaymentReference.objects.filter(purchase=purchase).delete()


def recompute_fingerprints(
    *, everything: bool = False, batch: int = 200, dry_run: bool = False, log=None
) -> dict[str, int]:
    """Fingerprints computed again from the stored receipts (docs/adr/0231): those without the
    paper's hashes (made before they existed), or ``everything`` (after a change to how the hashes
    are made). Through ``record_facts``, so a changed fingerprint becomes a new row and both
    in-memory indexes see it. Scores already given are not changed: new claims are compared with
    the new hashes. Idempotent: a second run finds nothing to do. ``dry_run``: counts only."""
    counts = {"recomputed": 0, "unchanged": 0, "missing_file": 0}
    todo = ReceiptFingerprint.objects.order_by("purchase_id")
    if not everything:
        todo = todo.filter(paper_phash16="")
    last = 0
    while True:
        ids = list(todo.filter(purchase_id__gt=last).values_list("purchase_id", flat=True)[:batch])
        if not ids:
            return counts
        last = ids[-1]
        for purchase in Purchase.objects.filter(pk__in=ids).order_by("pk"):
            try:
                with purchase.receipt.open("rb") as fh:
                    fp = fingerprint(fh.read())
            except (OSError, ValueError):
                counts["missing_file"] += 1
                if log:
                    log(f"{purchase.document_number}: receipt file not readable")
                continue
            stored = ReceiptFingerprint.objects.filter(purchase=purchase).first()
            fields = fingerprint_fields(fp)
            if stored is not None and not _changed(stored, fields):
                counts["unchanged"] += 1
                continue
            counts["recomputed"] += 1
            if not dry_run:
                with transaction.atomic():
                    record_facts(purchase, fp=fp)


def later_copies(purchase: Purchase) -> list[int]:
    """Purchases recorded AFTER ``purchase`` whose receipt or payment reference matches it: a
    fingerprint computed late must still flag the later copies already scored."""
    ids = set(
        Purchase.objects.filter(receipt_sha256=purchase.receipt_sha256, pk__gt=purchase.pk)
        .exclude(receipt_sha256="")
        .values_list("pk", flat=True)
    )
    fp = ReceiptFingerprint.objects.filter(purchase=purchase).first()
    if fp is not None:
        ids.update(
            ReceiptFingerprint.objects.filter(
                sha256_pixels=fp.sha256_pixels, purchase_id__gt=purchase.pk
            ).values_list("purchase_id", flat=True)
        )
        ids.update(
            m.purchase_id for m in selectors.near_duplicates(fp) if m.purchase_id > purchase.pk
        )
    ref = PaymentReference.objects.filter(purchase=purchase).first()
    if ref is not None:
        ids.update(
            PaymentReference.objects.filter(
                reference=ref.reference, purchase_id__gt=purchase.pk
            ).values_list("purchase_id", flat=True)
        )
    return sorted(ids)


def fingerprint_and_score(purchase_id: int) -> PurchaseRisk | None:
    """The background task's work: fingerprint, score, and re-score later copies."""
    purchase = (
        Purchase.objects.select_related("employee", "merchant").filter(pk=purchase_id).first()
    )
    if purchase is None:
        return None
    record_facts(purchase)
    risk = score_purchase(purchase)
    for pid in later_copies(purchase):
        later = Purchase.objects.select_related("employee", "merchant").get(pk=pid)
        score_purchase(later)
    return risk


# --- Score and route ------------------------------------------------------------------------
def audit_draw(seed: str) -> float:
    """A reproducible draw in [0, 1) from ``seed`` (an inspector recomputes it)."""
    return int(hashlib.sha256(seed.encode()).hexdigest()[:13], 16) / float(16**13)


def route_for(score: int, policy, seed: str) -> tuple[str, float | None]:
    if score >= policy.investigate_from:
        return Route.INVESTIGATE, None
    if score >= policy.review_from:
        return Route.REVIEW, None
    draw = audit_draw(seed)
    if Decimal(str(draw * 100)) < Decimal(policy.audit_sample_percent):
        return Route.AUDIT_SAMPLE, draw
    return Route.AUTO_VERIFIED, draw


@transaction.atomic
def score_purchase(purchase: Purchase, *, auto_verify: bool = True) -> PurchaseRisk:
    """Run every registered detector, store the score (0-100) and its reasons, pick the route;
    a low-risk, merchant-confirmed purchase outside the audit sample is verified by the system
    once its receipt's reading is in (``ocr.reading_ready``; docs/adr/0232).

    Scores of one purchase are taken one at a time (its row locked): the fingerprint task and
    the reading task may score it at once, and the later must see what the earlier stored.
    Whether the reading is in is decided before the detectors run, so a reading stored while
    they run cannot let the system verify on a score made without it."""
    Purchase.objects.select_for_update().filter(pk=purchase.pk).values_list("pk").first()
    ready = ocr.reading_ready(purchase)
    findings = detectors.run_purchase_detectors(purchase)
    on = today_wib()
    weights = selectors.weights_in_force(on)
    policy = selectors.policy_in_force(on)
    kept: dict[str, detectors.Finding] = {}
    for f in findings:
        kept.setdefault(f.code, f)
    score = max(0, min(100, sum(weights.get(code, 0) for code in kept)))
    seed = f"{policy.audit_seed}:{purchase.document_number}"
    route, draw = route_for(score, policy, seed)
    risk, _created = PurchaseRisk.objects.update_or_create(
        purchase=purchase,
        defaults={
            "score": score,
            "route": route,
            "period": purchase.period,
            "policy": policy if policy.pk else None,
            "audit_seed": seed if draw is not None else "",
            "audit_draw": draw,
        },
    )
    risk.reasons.all().delete()
    RiskReason.objects.bulk_create(
        RiskReason(
            risk=risk,
            signal_code=f.code,
            weight=weights.get(f.code, 0),
            detail=str(f.detail)[:300],
            related_purchase_id=f.related_purchase_id,
            related_merchant_id=f.related_merchant_id,
        )
        for f in kept.values()
    )
    if auto_verify and ready and route == Route.AUTO_VERIFIED:
        # The workflow's automatic ``auto_verify`` (enabled by an administrator) takes it if the
        # merchant has confirmed and its own conditions hold; the gate below lets it through.
        transaction.on_commit(lambda: _auto_verify(purchase.pk))
    return risk


def _auto_verify(purchase_id: int) -> None:
    from ebakul.workflow.services import follow_automatic

    purchase = Purchase.objects.filter(pk=purchase_id).first()
    if purchase is not None:
        follow_automatic(document=purchase)


def auto_verify_gate(document, action: str) -> None:
    """Before every purchase transition (registered in apps.py): the system's ``auto_verify``
    happens only to a purchase whose stored route is ``auto_verified`` and whose receipt has
    been read (its OCR signals are in that route)."""
    if action != AUTO_VERIFY:
        return
    route = PurchaseRisk.objects.filter(purchase_id=document.pk).values_list("route", flat=True)
    if route.first() != Route.AUTO_VERIFIED:
        raise DomainError(MSG_NOT_LOW_RISK, code="not_low_risk")
    if not ocr.reading_ready(document):
        raise DomainError(MSG_NOT_READ_YET, code="not_read_yet")


def rescore_after_reading(purchase_id: int) -> PurchaseRisk | None:
    """A receipt's reading came in: score the purchase again if it was scored without it (its
    OCR signals count now, and a low-risk purchase may now be verified by the system). A
    purchase not scored yet is left to the fingerprint task, which will see the reading."""
    with transaction.atomic():
        purchase = (
            Purchase.objects.select_for_update()
            .select_related("employee", "merchant")
            .filter(pk=purchase_id)
            .first()
        )
        if purchase is None or not PurchaseRisk.objects.filter(purchase=purchase).exists():
            return None
        return score_purchase(purchase)
