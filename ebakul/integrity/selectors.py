"""Reads of the integrity app: near-duplicate lookup, weights and policy in force, queues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ebakul.core.periods import today_wib
from ebakul.purchases.models import Purchase

from . import detectors, hashindex
from .fingerprints import BAND_BITS, BANDS, ROTATIONS, hamming, hamming_hex, split_bands
from .models import PurchaseRisk, ReceiptFingerprint, RiskPolicy, Route, SignalWeight

# A candidate is a near duplicate when its 256-bit pHash is this close and one of the 64-bit
# hashes agrees too (tuned on tests/integrity/generator.py, docs/adr/0200).
NEAR_PHASH16 = 50
NEAR_PHASH = 16
NEAR_DHASH = 18
# Closer than this on the 256-bit pHash, a near match needs no check on the pictures (docs/adr/0222):
# copies of generated receipts came to 16-28 (photos of a screen, whose pictures can fail the
# check), different receipts of one layout no closer than 36 among 5,103 honest claims.
NEAR_PHASH16_SURE = 32


@dataclass(frozen=True)
class NearMatch:
    purchase_id: int
    phash16_distance: int
    angle: int = 0  # the query turned by this many degrees looks like the stored picture
    paper: bool = False  # found by the paper's hashes (docs/adr/0231): confirm on the papers

    @property
    def sure(self) -> bool:
        """So close that the pictures need not be compared, when both claims name the same
        merchant and amount (``checks.duplicates.confirmed``). Only the first hashes: receipts
        of one shop's layout come closer on the paper's hashes (docs/adr/0231)."""
        return not self.paper and self.phash16_distance <= NEAR_PHASH16_SURE


PREFIXES = ("", "paper_")  # the two sets of hashes: of the trimmed picture, of the paper


def _variants(fp: ReceiptFingerprint, prefix: str = "") -> list[tuple[int, int, str]]:
    phash16 = getattr(fp, f"{prefix}phash16")
    if not phash16:
        return []
    return [(getattr(fp, f"{prefix}phash"), getattr(fp, f"{prefix}dhash"), phash16)] + [
        (int(p), int(d), str(p16)) for p, d, p16 in (getattr(fp, f"{prefix}rotations") or [])
    ]


def _probe_values(value: int) -> list[list[int]]:
    """The band values of ``value`` and those one bit away (multi-probe)."""
    out = []
    for band in split_bands(value):
        out.append([band] + [band ^ (1 << b) for b in range(BAND_BITS)])
    return out


def band_probes(variants: list[tuple[int, int, str]]) -> list[list[int]]:
    """Per band (p0..p3, d0..d3), the values a lookup reads: every pHash band and the values one
    bit away (multi-probe), every dHash band exactly, of each variant (rotation) of the query."""
    probes: list[set[int]] = [set() for _ in range(2 * BANDS)]
    for phash, dhash, _p16 in variants:
        for i, values in enumerate(_probe_values(phash)):
            probes[i].update(values)
        for i, band in enumerate(split_bands(dhash)):
            probes[BANDS + i].add(band)
    return [sorted(values) for values in probes]


def is_near(variants, phash: int, dhash: int, phash16: str) -> tuple[int, int] | None:
    """(the smallest 256-bit distance of a matching variant, that variant's angle), None when
    none matches."""
    best = None
    for angle, (vp, vd, vp16) in zip(ROTATIONS, variants, strict=False):
        d16 = hamming_hex(vp16, phash16)
        if d16 <= NEAR_PHASH16 and (
            hamming(vp, phash) <= NEAR_PHASH or hamming(vd, dhash) <= NEAR_DHASH
        ):
            best = (d16, angle) if best is None else min(best, (d16, angle))
    return best


def near_candidates(
    fp: ReceiptFingerprint, *, before_id: int | None = None, prefix: str = ""
) -> tuple[list[hashindex.Row], int]:
    """The stored fingerprints whose 64-bit hashes (``prefix``: of the paper) are close to a
    variant of ``fp``'s, found through the in-memory band index (``hashindex.py``, brought up to
    date from the table first), and how many stored fingerprints the bands pointed at."""
    variants = _variants(fp, prefix)
    if not variants:
        return [], 0
    index = hashindex.index_for(prefix=prefix)
    with index.lock:
        index.refresh("default", ReceiptFingerprint._meta.db_table)
        rows, touched = index.candidates(
            [(p, d) for p, d, _ in variants], band_probes(variants), NEAR_PHASH, NEAR_DHASH
        )
    rows = [r for r in rows if r[1] != fp.purchase_id]
    if before_id is not None:
        rows = [r for r in rows if r[1] < before_id]
    return rows, touched


def near_duplicates(fp: ReceiptFingerprint, *, before_id: int | None = None) -> list[NearMatch]:
    """Stored receipts that look like ``fp``'s (any rotation) on either set of hashes, surest and
    nearest first: a sure match of the first set, then by distance. A purchase matched by both
    sets comes twice, once per set (each is confirmed its own way). ``before_id``: only purchases
    recorded before that one (the earlier claims). The hashes come from the in-memory indexes;
    the table confirms that each match's row is still the purchase's fingerprint (an index-only
    read of the purchase column)."""
    close: dict[int, tuple[int, dict[str, NearMatch]]] = {}  # purchase -> (row id, per set)
    for prefix in PREFIXES:
        rows, _touched = near_candidates(fp, before_id=before_id, prefix=prefix)
        for row_id, m in matches_among(rows, _variants(fp, prefix), prefix):
            pid = m.purchase_id
            if pid not in close or close[pid][0] < row_id:
                close[pid] = (row_id, {})
            if close[pid][0] == row_id:
                close[pid][1][prefix] = m
    if not close:
        return []
    current = dict(
        ReceiptFingerprint.objects.filter(purchase_id__in=sorted(close)).values_list(
            "purchase_id", "id"
        )
    )
    found = [
        m
        for pid, (row_id, per_set) in close.items()
        if current.get(pid) == row_id
        for m in per_set.values()
    ]
    return sorted(found, key=match_order)


def matches_among(rows: list[hashindex.Row], variants, prefix: str) -> list[tuple[int, NearMatch]]:
    """(row id, match) of the index rows whose hashes of the set ``prefix`` are near a variant
    of the query's (``is_near``)."""
    found = []
    for row_id, pid, phash, dhash, words in rows:
        d = is_near(variants, phash, dhash, hashindex.as_hex(words))
        if d is not None:
            found.append((row_id, NearMatch(pid, d[0], d[1], bool(prefix))))
    return found


def match_order(m: NearMatch) -> tuple:
    return (not m.sure, m.phash16_distance, m.paper, m.purchase_id)


def exact_duplicates(purchase: Purchase, *, before_id: int | None = None) -> list[int]:
    """Other purchases whose stored bytes or decoded pixels are the same, oldest first."""
    ids: set[int] = set()
    if purchase.receipt_sha256:
        qs = Purchase.objects.filter(receipt_sha256=purchase.receipt_sha256)
        if before_id is not None:
            qs = qs.filter(pk__lt=before_id)
        ids.update(qs.exclude(pk=purchase.pk).values_list("pk", flat=True))
    pixels = (
        ReceiptFingerprint.objects.filter(purchase_id=purchase.pk)
        .values_list("sha256_pixels", flat=True)
        .first()
    )
    if pixels:
        fps = ReceiptFingerprint.objects.filter(sha256_pixels=pixels)
        if before_id is not None:
            fps = fps.filter(purchase_id__lt=before_id)
        ids.update(fps.exclude(purchase_id=purchase.pk).values_list("purchase_id", flat=True))
    return sorted(ids)


def weights_in_force(on: dt.date | None = None) -> dict[str, int]:
    """Every registered signal's weight on ``on``: the latest administrator's weight from
    before that date, else the signal's default."""
    on = on or today_wib()
    out = {code: s.default_weight for code, s in detectors.signals().items()}
    for w in SignalWeight.objects.filter(effective_from__lte=on).order_by("effective_from"):
        out[w.signal_code] = w.weight
    return out


def policy_in_force(on: dt.date | None = None) -> RiskPolicy:
    """The thresholds on ``on``; the defaults (unsaved) before an administrator sets any."""
    on = on or today_wib()
    found = RiskPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    return found or RiskPolicy(effective_from=dt.date(2000, 1, 1))


def investigation_queue():
    return (
        PurchaseRisk.objects.filter(route=Route.INVESTIGATE)
        .exclude(purchase__status="draft")  # not sent yet: nothing to investigate
        .select_related("purchase__employee", "purchase__merchant")
        .prefetch_related("reasons__related_purchase")
        .order_by("-score", "purchase_id")
    )


def export_rows(period: str):
    """(external_id, document_number, nip, merchant_nib, amount, risk_score, route, signals) of
    every purchase of ``period`` (not drafts), then of every import row refused for it. A
    purchase not scored yet goes to a person: route ``review``, no score."""
    from .models import ImportedRow, RiskReason

    external = dict(
        ImportedRow.objects.filter(period=period, purchase__isnull=False).values_list(
            "purchase_id", "external_id"
        )
    )
    signals: dict[int, list[str]] = {}
    for pid, code in (
        RiskReason.objects.filter(risk__period=period)
        .order_by("risk__purchase_id", "-weight", "signal_code")
        .values_list("risk__purchase_id", "signal_code")
    ):
        signals.setdefault(pid, []).append(code)
    rows = (
        Purchase.objects.filter(period=period)
        .exclude(status="draft")
        .order_by("pk")
        .values_list(
            "pk",
            "document_number",
            "employee__nip",
            "merchant__nib",
            "amount",
            "risk__score",
            "risk__route",
        )
    )
    for pk, number, nip, nib, amount, score, route in rows.iterator(chunk_size=5000):
        yield (
            external.get(pk, ""),
            number,
            nip,
            nib,
            amount,
            "" if score is None else score,
            route or Route.REVIEW,
            ";".join(signals.get(pk, [])),
        )
    for ext, nip, nib, amount, codes in ImportedRow.objects.filter(
        period=period, purchase__isnull=True
    ).values_list("external_id", "nip", "merchant_nib", "amount", "refused_signals"):
        yield (ext, "", nip, nib, amount, "", Route.REFUSED, codes)


def risk_panel(purchase) -> dict:
    """The purchase's risk and its reasons with their labels, for the review workbench's side
    panel and the ``integrity_signals`` tag. One query (the reasons with their related
    purchases)."""
    if getattr(purchase, "pk", None) is None:
        return {"risk": None, "reasons": []}
    risk = (
        PurchaseRisk.objects.filter(purchase_id=purchase.pk)
        .prefetch_related("reasons__related_purchase")
        .first()
    )
    labels = {c: s.label for c, s in detectors.signals().items()}
    reasons = []
    if risk is not None:
        reasons = [
            {"label": labels.get(r.signal_code, r.signal_code), "reason": r}
            for r in risk.reasons.all()
        ]
    return {"risk": risk, "reasons": reasons}


def current_readings():
    """The readings (OCR) of the receipts the purchases have now: a reading of a receipt since
    replaced does not count (``purchases.ReceiptReading.receipt_sha256``)."""
    from django.db.models import F

    from ebakul.purchases.models import ReceiptReading

    return ReceiptReading.objects.filter(receipt_sha256=F("purchase__receipt_sha256"))


def receipt_numbers(purchase_ids) -> dict[int, str]:
    """The receipt number read on each purchase's current receipt; purchases without one are
    left out."""
    return dict(
        current_readings()
        .filter(purchase_id__in=list(purchase_ids))
        .exclude(receipt_number="")
        .values_list("purchase_id", "receipt_number")
    )


def completed_order_for(purchase_id: int):
    """The completed marketplace order a purchase was recorded from, confirmed on both sides
    (accepted by the merchant, received by the employee); None for any other purchase."""
    from ebakul.marketplace.models import Order, OrderStatus

    return (
        Order.objects.filter(
            purchase_id=purchase_id,
            status=OrderStatus.COMPLETED,
            accepted_at__isnull=False,
            completed_at__isnull=False,
        )
        .only("pk", "number", "merchant_id")
        .first()
    )
