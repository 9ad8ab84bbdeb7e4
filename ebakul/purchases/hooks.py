"""Apps above purchases act on a receipt without this app importing them (issue 15).

- ``register_receipt_check(name, fn)``: ``fn(*, employee, receipt, purchase)`` runs when a receipt
  is about to be stored for ``employee`` (``receipt`` the cleaned upload, ``purchase`` None for a
  new purchase) and refuses by raising ``ValidationError`` (e.g. the integrity app's exact
  duplicate of another person's receipt).
- ``register_receipt_stored(name, fn)``: ``fn(purchase)`` runs inside the transaction that stored
  a new receipt (it starts background work with ``ebakul.core.dispatch``).

Registering the same name again replaces the function (``ready`` may run more than once).
"""

from collections.abc import Callable

_CHECKS: dict[str, Callable] = {}
_STORED: dict[str, Callable] = {}


def register_receipt_check(name: str, fn: Callable) -> None:
    _CHECKS[name] = fn


def register_receipt_stored(name: str, fn: Callable) -> None:
    _STORED[name] = fn


def check_receipt(*, employee, receipt, purchase=None) -> None:
    for fn in _CHECKS.values():
        fn(employee=employee, receipt=receipt, purchase=purchase)


def receipt_stored(purchase) -> None:
    for fn in _STORED.values():
        fn(purchase)
