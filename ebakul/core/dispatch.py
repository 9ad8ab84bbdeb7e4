"""One way to start background work from a write: after the transaction commits.

``dispatch(task, *args, **kwargs)`` sends ``task`` to the queue once the current transaction has
committed (at once outside a transaction). Every write path that starts background work (receipt
fingerprints, OCR, notifications) calls this instead of ``task.delay`` so that what happens when
the broker is away is decided in one place (issue 16).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def dispatch(task: Any, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
