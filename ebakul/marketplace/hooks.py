"""What happens above this app when an order completes (docs/adr/0400).

The marketplace sits below ``purchases`` in the layers, so it cannot create the purchase itself.
The purchases app registers, in its ``AppConfig.ready``:

- ``completion``: ``fn(order=..., at=..., actor=...) -> purchase_id`` that records the completed
  order as a purchase confirmed by both sides, and raises a ``DomainError`` to refuse (e.g. the
  period's submission is closed);
- ``check_period``: ``fn(at=...)`` that raises to refuse an order placed when its period no longer
  accepts purchases.

A missing registration is an error, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HOOKS: dict[str, Callable[..., Any]] = {}
NAMES = ("completion", "check_period")


def register(name: str, fn: Callable[..., Any]) -> None:
    if name not in NAMES:
        raise LookupError(f"Unknown marketplace hook {name!r}")
    _HOOKS[name] = fn


def get(name: str) -> Callable[..., Any]:
    try:
        return _HOOKS[name]
    except KeyError:
        raise LookupError(f"No {name!r} hook is registered for the marketplace") from None
