"""Recall and false matches of the near-duplicate rule on a receipt drawer (issue 15, ADR 0230).

Runs the real decision without the database: the upload gate's re-encoding of the stored bytes
(``ebakul.core.uploads``), ``fingerprints.fingerprint``, the band index of ADR 0220
(``hashindex.BandIndex`` with ``selectors.band_probes``), ``selectors.is_near`` and the picture
check of ADR 0222 as ``checks.duplicates.confirmed`` applies it. Used by
``tests/integrity/test_robustness.py`` (small, pinned floors) and ``bench/bench_robust.py``.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

from ebakul.core.uploads import JPEG_QUALITY
from ebakul.integrity import selectors, services
from ebakul.integrity.checks import duplicates
from ebakul.integrity.fingerprints import fingerprint, same_receipt
from ebakul.integrity.hashindex import BandIndex, _words
from ebakul.integrity.models import ReceiptFingerprint


def stored(img_or_bytes) -> bytes:
    """What the upload gate keeps: decoded and encoded again as JPEG."""
    img = Image.open(io.BytesIO(img_or_bytes)) if isinstance(img_or_bytes, bytes) else img_or_bytes
    out = io.BytesIO()
    img.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _sets(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """The receipt's variants per set of hashes, as the table would hold its fingerprint."""
    stored_fp = ReceiptFingerprint(purchase_id=0, **services.fingerprint_fields(fingerprint(data)))
    return {prefix: selectors._variants(stored_fp, prefix) for prefix in selectors.PREFIXES}


@dataclass
class Store:
    """Stored receipts, as the indexes and the table would hold them."""

    data: list[bytes] = field(default_factory=list)
    claims: list = field(default_factory=list)  # (merchant, amount) claimed with each receipt
    rows: dict = field(default_factory=lambda: {p: [] for p in selectors.PREFIXES})
    near: int = 0  # lookups whose hashes came near a stored receipt
    best_score: float = 0.0  # the highest picture score seen (the check's threshold is 0.9)

    def add(self, data: bytes, claim=None) -> int:
        pid = len(self.data) + 1
        self.data.append(data)
        self.claims.append(claim)
        for prefix, variants in _sets(data).items():
            p, d, p16 = variants[0]
            self.rows[prefix].append((pid, pid, p, d, _words(p16)))
        return pid

    def matches(self, data: bytes, claim=None) -> list[int]:
        """The stored receipts the rule takes ``data``, claimed as ``claim`` (merchant, amount),
        for a copy of (purchase ids), as ``selectors.near_duplicates`` and ``checks.duplicates``
        decide."""
        near: list[selectors.NearMatch] = []
        for prefix, variants in _sets(data).items():
            index = BandIndex(prefix)
            index._build(self.rows[prefix])
            rows, _ = index.candidates(
                [(p, d) for p, d, _ in variants],
                selectors.band_probes(variants),
                selectors.NEAR_PHASH,
                selectors.NEAR_DHASH,
            )
            near.extend(m for _row, m in selectors.matches_among(rows, variants, prefix))
        near.sort(key=selectors.match_order)
        self.near += bool(near)

        def confirmed(m) -> bool:  # checks.duplicates.confirmed, on the bytes in memory
            def score() -> float:
                value = same_receipt(data, self.data[m.purchase_id - 1], m.angle, paper=m.paper)
                self.best_score = max(self.best_score, value)
                return value

            claimed_alike = claim is not None and claim == self.claims[m.purchase_id - 1]
            return duplicates.verdict(m, claimed_alike, score)

        return [m.purchase_id for m in duplicates.confirmed_matches(near, confirmed)]


@dataclass
class Figures:
    copies: dict[str, tuple[int, int]]  # transform -> (caught, tried)
    honest: int  # honest receipts looked up
    honest_flagged: int  # of them, taken for a copy of an earlier honest receipt
    same_template_pairs: int  # pairs of one shop's template with other contents
    honest_near: int = 0  # honest lookups whose hashes came near an earlier receipt
    honest_best_score: float = 0.0  # their highest picture score (a copy from 0.9)

    def recall(self, kind: str) -> float:
        caught, tried = self.copies[kind]
        return caught / tried if tried else 0.0

    def overall_recall(self) -> float:
        caught = sum(c for c, _ in self.copies.values())
        tried = sum(t for _, t in self.copies.values())
        return caught / tried if tried else 0.0


def measure(
    *,
    seed: int,
    shops: int,
    per_shop: int,
    copies_per_kind: int,
    kinds: tuple[str, ...],
    draw_shop: Callable[[random.Random], object],
    draw_receipt: Callable[[random.Random, object], Image.Image | tuple[Image.Image, int]],
    transform: Callable[[Image.Image, str, random.Random], Image.Image],
    upload: Callable[[Image.Image, random.Random], bytes],
) -> Figures:
    """Honest claims first (``shops`` templates x ``per_shop`` receipts with other contents, each
    looked up against those stored before it), then for each transformation ``copies_per_kind``
    honest receipts copied and looked up: caught when the rule names their original.

    Claims: an honest receipt is claimed at its shop for the total printed on it (``draw_receipt``
    returns it with the picture; else an amount drawn from the picture's bytes); a copy is
    claimed as its original was (same shop, same amount: what the copy shows)."""
    rng = random.Random(seed)
    store = Store()
    flagged = 0
    for shop_no in range(shops):
        shop = draw_shop(rng)
        for _ in range(per_shop):
            drawn = draw_receipt(rng, shop)
            img, amount = drawn if isinstance(drawn, tuple) else (drawn, None)
            data = stored(upload(img, rng))
            if amount is None:
                amount = 500 * (1 + int(hashlib.sha256(data).hexdigest()[:8], 16) % 400)
            claim = (shop_no, amount)
            if store.matches(data, claim):
                flagged += 1
            store.add(data, claim)
    honest_near, honest_best = store.near, store.best_score
    copies: dict[str, tuple[int, int]] = {}
    for kind in kinds:
        caught = 0
        for _ in range(copies_per_kind):
            original = rng.randrange(len(store.data)) + 1
            img = Image.open(io.BytesIO(store.data[original - 1])).convert("RGB")
            copy = stored(upload(transform(img, kind, rng), rng))
            if original in store.matches(copy, store.claims[original - 1]):
                caught += 1
        copies[kind] = (caught, copies_per_kind)
    return Figures(
        copies=copies,
        honest=len(store.data),
        honest_flagged=flagged,
        same_template_pairs=shops * per_shop * (per_shop - 1) // 2,
        honest_near=honest_near,
        honest_best_score=honest_best,
    )


def measure_alt(
    *, seed: int, shops: int, per_shop: int, copies_per_kind: int, kinds=None, same_length=False
):
    """``same_length``: every receipt of a shop has as many lines of goods (the hardest honest
    case for a hash of the whole picture: same layout, same length, other words)."""
    from tests.integrity import generator_alt as g

    if same_length:
        draw_shop = lambda rng: (g.template(rng), rng.randint(1, 10))  # noqa: E731
    else:
        draw_shop = lambda rng: (g.template(rng), None)  # noqa: E731
    return measure(
        seed=seed,
        shops=shops,
        per_shop=per_shop,
        copies_per_kind=copies_per_kind,
        kinds=tuple(kinds or g.TRANSFORMS),
        draw_shop=draw_shop,
        draw_receipt=lambda rng, shop: g.alt_claim(rng, *shop),
        transform=g.alt_transform,
        upload=g.jpeg_bytes,
    )


def measure_original(*, seed: int, receipts: int, copies_per_kind: int, kinds=None):
    """generator.py has no shop templates: every receipt is its own (``per_shop`` 1)."""
    from tests.integrity import generator as g

    return measure(
        seed=seed,
        shops=receipts,
        per_shop=1,
        copies_per_kind=copies_per_kind,
        kinds=tuple(kinds or g.TRANSFORMS),
        draw_shop=lambda rng: None,
        draw_receipt=lambda rng, _shop: g.draw_receipt(rng),
        transform=g.transform,
        upload=lambda img, rng: g.jpeg(img),
    )
