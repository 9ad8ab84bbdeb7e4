"""Reads of reports, exports and the e-TPP export from a MariaDB replica (issue 16, ADR 0312).

With ``DATABASE_REPLICA_URL`` set, the settings add a ``replica`` database alias. Code that only
reads and may be a little behind (a report, a spreadsheet export, the e-TPP export API) runs
under :func:`replica_reads` (or a view decorated with :func:`reads_from_replica`); there the
router sends reads to the replica. Everything else reads the primary.

Never a write: ``db_for_write`` is always the primary. Read after write: the first write in a
``replica_reads`` block pins the rest of the block (the request) to the primary, so a read that
follows a write sees it even when the replica lags. Without a ``replica`` alias nothing changes.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"

# None: outside a replica_reads block; else a dict {"pinned": bool} for the block.
_state: contextvars.ContextVar[dict | None] = contextvars.ContextVar("ebakul_replica_reads")


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads():
    """Reads in the block go to the replica until the block writes (then to the primary)."""
    token = _state.set({"pinned": False})
    try:
        yield
    finally:
        _state.reset(token)


def reads_from_replica(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


def pin_to_primary() -> None:
    state = _state.get(None)
    if state is not None:
        state["pinned"] = True


def reading_alias() -> str:
    state = _state.get(None)
    if state is None or state["pinned"] or not replica_configured():
        return PRIMARY
    return REPLICA


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db == PRIMARY:
            return PRIMARY  # related objects of a row read from the primary
        return reading_alias()

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica gets the schema by replication
