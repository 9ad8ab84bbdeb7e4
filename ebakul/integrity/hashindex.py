"""The near-duplicate index: a multi-index over the hash bands, kept in memory per process and
brought up to date from ``ReceiptFingerprint`` before every lookup (docs/adr/0220).

The table stays the only truth. This module holds, per process, the purchase id and the two
64-bit hashes of every stored fingerprint, and for each of the eight 16-bit bands (four of the
pHash, four of the dHash) the band values sorted with the row they come from. A lookup asks,
per band, for the query's band values (and, for the pHash, those one bit away) by binary search,
so it touches only the rows sharing a band with the query — a few thousand among a million —
and keeps those whose 64-bit distances are close. The caller then reads the few close rows from
the table and decides on them (``selectors.near_duplicates``): a row deleted or changed since it
was loaded is checked against the table, never trusted from memory.

Up to date: before each lookup the rows with an id above the highest seen (less an overlap, for
a transaction that committed after a later one) are read by primary key and kept in a small
*delta* checked one by one; the delta is merged into the sorted arrays once it is large. A
fingerprint whose hashes change is stored as a new row (``services.record_facts``), so an id
always means one picture. When the table's highest id falls below the highest seen (a truncated
table: tests, a restore) the index is rebuilt from scratch.

Cost: ~70 MB per process at 1,000,000 fingerprints; the first lookup of a process loads the
table (seconds at that size, timed in bench/RESULTS.md)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
from django.db import connections

from .fingerprints import BAND_BITS, BANDS

OVERLAP = 500  # ids re-read below the highest seen: transactions that committed out of order
MERGE_AT = 20_000  # delta rows merged into the sorted arrays
_MASK = (1 << BAND_BITS) - 1
_U64 = 1 << 64


# (row id, purchase id, phash, dhash, the 256-bit pHash as four 64-bit words)
Row = tuple[int, int, int, int, tuple[int, ...]]


def _words(phash16: str) -> tuple[int, ...]:
    value = int(phash16 or "0", 16)
    return tuple((value >> (64 * (3 - i))) & (_U64 - 1) for i in range(4))


def as_hex(words: tuple[int, ...]) -> str:
    return "".join(f"{w:016x}" for w in words)


def _unsigned(v: int) -> int:
    return v + _U64 if v < 0 else v  # SQLite keeps the hashes as signed 64-bit integers


class BandIndex:
    """``prefix``: the columns indexed, ``""`` (phash, dhash, phash16) or ``"paper_"`` (the paper's
    hashes, docs/adr/0231; rows without them are left out)."""

    def __init__(self, prefix: str = "") -> None:
        assert prefix in ("", "paper_")
        self.prefix = prefix
        self.lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.rows = np.empty(0, np.int64)  # the fingerprint row ids
        self.pids = np.empty(0, np.int64)
        self.p16 = np.empty((0, 4), np.uint64)  # the 256-bit pHash as four words
        self.ph = np.empty(0, np.uint64)
        self.dh = np.empty(0, np.uint64)
        self.bands: list[tuple[np.ndarray, np.ndarray]] = []
        self.delta: dict[int, Row] = {}  # row id -> row
        self.max_id = 0

    # --- loading ---------------------------------------------------------------------------
    def _read(self, alias: str, table: str, above: int) -> list[Row]:
        with connections[alias].cursor() as cur:
            p = self.prefix
            cur.execute(
                f"SELECT id, purchase_id, {p}phash, {p}dhash, {p}phash16 FROM {table}"  # noqa: S608
                f" WHERE id > %s AND {p}phash16 <> ''",
                [above],
            )
            return [
                (i, p, _unsigned(a), _unsigned(b), _words(h)) for i, p, a, b, h in cur.fetchall()
            ]

    def _highest(self, alias: str, table: str) -> int:
        with connections[alias].cursor() as cur:
            cur.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
            return int(cur.fetchone()[0] or 0)

    def _build(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        self.rows = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        self.pids = np.fromiter((r[1] for r in rows), np.int64, len(rows))
        self.ph = np.fromiter((r[2] for r in rows), np.uint64, len(rows))
        self.dh = np.fromiter((r[3] for r in rows), np.uint64, len(rows))
        self.p16 = np.array([r[4] for r in rows], np.uint64).reshape(len(rows), 4)
        self.bands = []
        for hashes in (self.ph, self.dh):
            for i in range(BANDS):
                values = ((hashes >> np.uint64(BAND_BITS * i)) & np.uint64(_MASK)).astype(np.uint16)
                order = np.argsort(values, kind="stable").astype(np.int32)
                self.bands.append((values[order], order))

    def _merge(self) -> None:
        rows: dict[int, Row] = {}
        for i in range(len(self.rows)):
            rows[int(self.pids[i])] = self._row(i)
        for row in sorted(self.delta.values()):
            rows[row[1]] = row  # the newer row of a purchase wins
        self._build(rows.values())
        self.delta = {}

    def _row(self, i: int) -> Row:
        words = tuple(int(w) for w in self.p16[i])
        return (int(self.rows[i]), int(self.pids[i]), int(self.ph[i]), int(self.dh[i]), words)

    def refresh(self, alias: str, table: str) -> None:
        highest = self._highest(alias, table)
        if highest < self.max_id:  # the table was emptied or restored: start again
            self._reset()
        if self.max_id == 0 and highest:
            rows = self._read(alias, table, 0)
            self._build(rows)
            # The table's highest id, even when those rows are not indexed (no paper hashes).
            self.max_id = max([highest] + [r[0] for r in rows])
            return
        for row in self._read(alias, table, max(self.max_id - OVERLAP, 0)):
            self.delta[row[0]] = row
            self.max_id = max(self.max_id, row[0])
        self.max_id = max(self.max_id, highest)
        if len(self.delta) >= MERGE_AT:
            self._merge()

    # --- lookup ----------------------------------------------------------------------------
    def candidates(
        self, variants: list[tuple[int, int]], probes: list[list[int]], near_p: int, near_d: int
    ) -> tuple[list[Row], int]:
        """The stored rows whose pHash is within ``near_p`` or dHash within ``near_d`` bits of a
        variant, among those sharing a probed band value; and how many rows were touched.
        ``probes``: per band (p0..p3, d0..d3) the values to look up."""
        found: list[Row] = []
        touched = 0
        if len(self.pids):
            parts = []
            for (values, order), wanted in zip(self.bands, probes, strict=True):
                keys = np.asarray(wanted, np.uint16)
                lo = np.searchsorted(values, keys, "left").tolist()
                hi = np.searchsorted(values, keys, "right").tolist()
                parts.extend(order[a:b] for a, b in zip(lo, hi, strict=True) if b > a)
            if parts:
                rows = np.unique(np.concatenate(parts))
                touched = len(rows)
                ph, dh = self.ph[rows], self.dh[rows]
                close = np.zeros(len(rows), bool)
                for vp, vd in variants:
                    close |= np.bitwise_count(ph ^ np.uint64(vp)) <= near_p
                    close |= np.bitwise_count(dh ^ np.uint64(vd)) <= near_d
                found.extend(self._row(int(i)) for i in rows[close])
        for row in self.delta.values():  # the newest rows, one by one
            touched += 1
            if any(
                (row[2] ^ vp).bit_count() <= near_p or (row[3] ^ vd).bit_count() <= near_d
                for vp, vd in variants
            ):
                found.append(row)
        return found, touched


_INDEXES: dict[tuple[str, str, str], BandIndex] = {}
_GUARD = threading.Lock()


def index_for(alias: str = "default", prefix: str = "") -> BandIndex:
    """The process's index of the database behind ``alias``, of the hashes ``prefix`` names."""
    key = (alias, str(connections[alias].settings_dict.get("NAME")), prefix)
    with _GUARD:
        if key not in _INDEXES:
            _INDEXES[key] = BandIndex(prefix)
        return _INDEXES[key]
