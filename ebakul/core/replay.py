"""Replaying claims made elsewhere (issue 15's ``import_purchases``): within ``replaying()`` the
submission close of a period that is not locked does not refuse a submission (a migration brings
claims that were made in time in the running programme). A locked period still refuses."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_REPLAYING: ContextVar[bool] = ContextVar("ebakul_replaying", default=False)


@contextmanager
def replaying() -> Iterator[None]:
    token = _REPLAYING.set(True)
    try:
        yield
    finally:
        _REPLAYING.reset(token)


def is_replaying() -> bool:
    return _REPLAYING.get()
