"""The contract between the integrity checks and whatever computes the score (issue 15).

A *signal* is a named reason to doubt a claim (``duplicate_receipt_exact``, ``self_purchase_nik``,
...). Each signal is declared once with :func:`register_signal`: its code, an Indonesian label for
people, and its default weight (0-100) that an administrator may later override with
effective-dated weights. A *detector* is a plain function that looks at one purchase and yields
:class:`Finding` objects, one per signal it raises; it is registered with
:func:`purchase_detector` and must only read (never write) so that the scorer can run every
detector again at any time and get the same answer.

Modules that declare signals and detectors are imported by ``IntegrityConfig.ready()`` (or by
the ready() of the app that owns them), so the registry is complete once Django is set up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Signal:
    code: str
    label: str | Promise  # Indonesian (gettext_lazy), shown to verifiers
    # -100..100: the share of the risk score this signal adds on its own (a negative weight
    # lowers it: a fact that speaks for the claim, e.g. an order confirmed on both sides)
    default_weight: int
    description: str | Promise = ""  # one sentence for docs/ and the desk's weight editor


@dataclass(frozen=True)
class Finding:
    code: str  # a registered Signal.code
    detail: str  # what was seen, for the verifier (Indonesian, no raw NIK/KK)
    related_purchase_id: int | None = None  # e.g. the original of a duplicate receipt
    related_merchant_id: int | None = None


PurchaseDetector = Callable[[Any], Iterable[Finding]]

_SIGNALS: dict[str, Signal] = {}
_DETECTORS: dict[str, PurchaseDetector] = {}


def register_signal(code: str, label, default_weight: int, description="") -> Signal:
    if not -100 <= default_weight <= 100:
        raise ValueError(f"weight of {code} must be -100..100")
    existing = _SIGNALS.get(code)
    signal = Signal(code, label, default_weight, description)
    if existing is not None and existing != signal:
        raise ValueError(f"signal {code} registered twice with different definitions")
    _SIGNALS[code] = signal
    return signal


def signals() -> dict[str, Signal]:
    return dict(_SIGNALS)


def purchase_detector(name: str) -> Callable[[PurchaseDetector], PurchaseDetector]:
    """Register ``fn(purchase) -> Iterable[Finding]`` under ``name``."""

    def decorate(fn: PurchaseDetector) -> PurchaseDetector:
        if _DETECTORS.get(name, fn) is not fn:
            raise ValueError(f"detector {name} registered twice")
        _DETECTORS[name] = fn
        return fn

    return decorate


def purchase_detectors() -> dict[str, PurchaseDetector]:
    return dict(_DETECTORS)


def run_purchase_detectors(purchase) -> list[Finding]:
    findings: list[Finding] = []
    for fn in _DETECTORS.values():
        for finding in fn(purchase):
            if finding.code not in _SIGNALS:
                raise ValueError(f"finding with unregistered signal {finding.code}")
            findings.append(finding)
    return findings
