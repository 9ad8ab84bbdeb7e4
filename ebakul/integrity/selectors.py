"""Reads of the integrity app: near-duplicate lookup, weights and policy in force, queues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from ebakul.core.periods import today_wib
from ebakul.purchases.models import Purchase

from . import detectors
from .fingerprints import BAND_BITS, BANDS, hamming, hamming_hex, split_bands
from .models import PurchaseRisk, ReceiptFingerprint, RiskPolicy, Route, SignalWeight

# A candidate is a near duplicate when its 256-bit pHash is this close and one of the 64-bit
# hashes agrees too (tuned on tests/integrity/generator.py, docs/adr/0200).
NEAR_PHASH16 = 50
NEAR_PHASH = 16
NEAR_DHASH = 18


@dataclass(frozen=True)
class NearMatch:
    purchase_id: int
    phash16_distance: int


def _variants(fp: ReceiptFingerprint) -> list[tuple[int, int, str]]:
    return [(fp.phash, fp.dhash, fp.phash16)] + [
        (int(p), int(d), str(p16)) for p, d, p16 in (fp.rotations or [])
    ]


def _probe_values(value: int) -> list[list[int]]:
    """The band values of ``value`` and those one bit away (multi-probe)."""
    out = []
    for band in split_bands(value):
        out.append([band] + [band ^ (1 << b) for b in range(BAND_BITS)])
    return out


def near_duplicate_candidates(variants: list[tuple[int, int, str]]) -> Q:
    p_values: list[set[int]] = [set() for _ in range(BANDS)]
    d_values: list[set[int]] = [set() for _ in range(BANDS)]
    for phash, dhash, _p16 in variants:
        for i, values in enumerate(_probe_values(phash)):
            p_values[i].update(values)
        for i, band in enumerate(split_bands(dhash)):
            d_values[i].add(band)
    q = Q()
    for i in range(BANDS):
        q |= Q(**{f"p{i}__in": sorted(p_values[i])})
        q |= Q(**{f"d{i}__in": sorted(d_values[i])})
    return q


def _close_in_sql(variants) -> RawSQL:
    """The 64-bit distances checked by the database on the candidates the bands found (so only
    the few close rows travel); the 256-bit check stays in Python."""
    parts, params = [], []
    for phash, dhash, _p16 in variants:
        parts.append("BIT_COUNT(phash ^ %s) <= %s OR BIT_COUNT(dhash ^ %s) <= %s")
        params += [phash, NEAR_PHASH, dhash, NEAR_DHASH]
    sql = "(" + " OR ".join(parts) + ")"  # fixed text; every value is bound
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611


def is_near(variants, phash: int, dhash: int, phash16: str) -> int | None:
    """The smallest 256-bit distance of a matching variant, None when none matches."""
    best = None
    for vp, vd, vp16 in variants:
        d16 = hamming_hex(vp16, phash16)
        if d16 <= NEAR_PHASH16 and (
            hamming(vp, phash) <= NEAR_PHASH or hamming(vd, dhash) <= NEAR_DHASH
        ):
            best = d16 if best is None else min(best, d16)
    return best


def near_duplicates(fp: ReceiptFingerprint, *, before_id: int | None = None) -> list[NearMatch]:
    """Stored receipts that look like ``fp``'s (any rotation), nearest first. ``before_id``: only
    purchases recorded before that one (the earlier claims)."""
    variants = _variants(fp)
    rows = ReceiptFingerprint.objects.filter(near_duplicate_candidates(variants)).exclude(
        purchase_id=fp.purchase_id
    )
    if connection.vendor == "mysql":  # SQLite (the demo) has no BIT_COUNT: Python checks all
        rows = rows.filter(_close_in_sql(variants))
    if before_id is not None:
        rows = rows.filter(purchase_id__lt=before_id)
    found = []
    for pid, phash, dhash, phash16 in rows.values_list("purchase_id", "phash", "dhash", "phash16"):
        d = is_near(variants, phash, dhash, phash16)
        if d is not None:
            found.append(NearMatch(pid, d))
    return sorted(found, key=lambda m: (m.phash16_distance, m.purchase_id))


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
