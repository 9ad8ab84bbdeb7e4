"""A real SMTP server (aiosmtpd) on a free local port, and Django's SMTP backend pointed at it."""

import socket

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """Collects what the server accepted; ``reject`` makes it answer 550 to every message."""

    def __init__(self):
        self.received = []
        self.reject = False

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return "550 5.1.1 Mailbox unavailable"
        self.received.append(envelope)
        return "250 OK"

    def subjects(self) -> list[str]:
        out = []
        for env in self.received:
            text = env.content.decode("utf-8", "replace")
            for line in text.splitlines():
                if line.startswith("Subject: "):
                    out.append(line[len("Subject: ") :])
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    box.controller = controller
    box.port = port
    yield box
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    return settings.EMAIL_PORT
