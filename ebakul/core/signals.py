"""Signals core sends and higher layers answer (core imports nothing above it).

``notification_requested(sender, user, title, body, url, kind)``: ``core.services.notify`` was
asked to reach ``user`` outside the app too (``email=True``). Sent inside the caller's
transaction, so a receiver's writes commit or roll back with the event (the outbox,
``ebakul/notifications``)."""

from django.dispatch import Signal

notification_requested = Signal()
