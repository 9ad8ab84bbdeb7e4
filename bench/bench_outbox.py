"""Benchmark of the notification outbox (issue 16, ADR 0300): a month's reminders to 8,470
employees.

1. Queue: in one transaction inside ``notifications.services.batch()`` (as
   ``compliance.reminders.send_reminders`` does), ``notify(..., email=True)`` for every employee:
   an in-app notification and an outbox row each. Measured: wall time, delivery tasks started.
2. Deliver: each batch as the worker's task does it (``services.deliver``: claim, one SMTP
   connection per batch, record), against a real SMTP server (aiosmtpd) on localhost.
3. The old way, for comparison: ``send_mail(..., fail_silently=True)`` per message (a new SMTP
   connection each), on the first 1,000 messages.

Run alone (its own database, created if missing):

    EBAKUL_DB_NAME=ebakul_h4_bench bash -c 'source scripts/env-mariadb.sh && \
      DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/bench_outbox.py'
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.mail import send_mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

N = 8_470
OLD_WAY = 1_000


class Box:
    def __init__(self):
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        return "250 OK"


def log(msg):
    print(msg, flush=True)


def main():
    from ebakul.accounts.models import User
    from ebakul.core.models import Notification
    from ebakul.core.services import notify
    from ebakul.notifications import services
    from ebakul.notifications.models import OutboxMessage, OutboxState

    call_command("migrate", verbosity=0)
    users = list(User.objects.filter(username__startswith="bench-outbox-").order_by("id"))
    if len(users) < N:
        User.objects.bulk_create(
            [
                User(username=f"bench-outbox-{i:05d}", email=f"pegawai{i:05d}@example.invalid")
                for i in range(len(users), N)
            ],
            batch_size=2000,
        )
        users = list(User.objects.filter(username__startswith="bench-outbox-").order_by("id"))
    OutboxMessage.objects.all().delete()
    Notification.objects.filter(user__in=users).delete()

    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    box = Box()
    controller = Controller(box, hostname="127.0.0.1", port=8025)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 8025
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    batches = []
    services._start_delivery = lambda ids: batches.extend(
        ids[i : i + services.BATCH_SIZE] for i in range(0, len(ids), services.BATCH_SIZE)
    )
    t0 = time.perf_counter()
    with transaction.atomic(), services.batch():
        for u in users:
            notify(
                user=u,
                title="eBakul: belanja Anda untuk November 2026 di bawah minimum",
                body="Anda memiliki Rp100.000 terverifikasi dari Rp385.473 yang diwajibkan.",
                kind="reminder_before_close",
                email=True,
            )
    queued = time.perf_counter() - t0
    log(
        f"queue: {N} notifications + outbox rows in one transaction: {queued:.1f} s "
        f"({queued / N * 1000:.2f} ms each), {len(batches)} delivery tasks"
    )

    t0 = time.perf_counter()
    per_batch = []
    for ids in batches:
        b0 = time.perf_counter()
        services.deliver(ids)
        per_batch.append(time.perf_counter() - b0)
    delivered = time.perf_counter() - t0
    sent = OutboxMessage.objects.filter(state=OutboxState.SENT).count()
    per_batch.sort()
    log(
        f"deliver: {sent}/{N} sent (server received {box.n}) in {delivered:.1f} s = "
        f"{N / delivered:.0f} messages/s; per task of {services.BATCH_SIZE}: p50 "
        f"{per_batch[len(per_batch) // 2]:.2f} s, max {per_batch[-1]:.2f} s"
    )

    t0 = time.perf_counter()
    for u in users[:OLD_WAY]:
        send_mail("x", "y", settings.DEFAULT_FROM_EMAIL, [u.email], fail_silently=True)
    old = time.perf_counter() - t0
    log(
        f"old way: {OLD_WAY} send_mail calls (a connection each) in {old:.1f} s = "
        f"{old / OLD_WAY * 1000:.1f} ms each; {N} would take ~{old / OLD_WAY * N:.0f} s in the "
        "request or task that sends them"
    )
    controller.stop()
    log(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
