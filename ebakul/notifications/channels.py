"""Channels: how a message leaves the application.

A channel has a ``name`` (stored on each message), ``address(user)`` (``""`` when the user has no
address on this channel: no message is queued) and ``send(messages)`` which tries every message
and answers ``{message id: None (accepted) or the error text}``. It must never report a message
accepted that was not. Channels are listed in ``settings.EBAKUL_NOTIFICATION_CHANNELS`` (dotted
paths); a WhatsApp or SMS gateway is one more class there (docs/notifications.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string


class Channel:
    name = ""

    def address(self, user) -> str:
        raise NotImplementedError

    def send(self, messages: Iterable) -> dict[int, str | None]:
        raise NotImplementedError


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


class EmailChannel(Channel):
    """E-mail through Django's mail backend (SMTP in production), one connection per batch."""

    name = "email"

    def address(self, user) -> str:
        return (getattr(user, "email", "") or "").strip()

    def send(self, messages: Iterable) -> dict[int, str | None]:
        messages = list(messages)
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the messages
            return {m.pk: _error(exc) for m in messages}
        results: dict[int, str | None] = {}
        try:
            for m in messages:
                mail = EmailMessage(
                    m.subject,
                    m.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [m.recipient],
                    connection=connection,
                )
                try:
                    accepted = connection.send_messages([mail])
                except Exception as exc:  # noqa: BLE001
                    results[m.pk] = _error(exc)
                else:
                    results[m.pk] = None if accepted == 1 else "The mail server did not accept it."
        finally:
            with contextlib.suppress(Exception):  # the results are already known
                connection.close()
        return results


@cache
def _channels(paths: tuple[str, ...]) -> dict[str, Channel]:
    out = {}
    for path in paths:
        channel = import_string(path)()
        out[channel.name] = channel
    return out


def configured_channels() -> dict[str, Channel]:
    paths = getattr(
        settings, "EBAKUL_NOTIFICATION_CHANNELS", ["ebakul.notifications.channels.EmailChannel"]
    )
    return _channels(tuple(paths))
