from django.db import transaction
from django.utils import timezone

from ebakul.core.history import set_history_user

from .models import Notification
from .signals import notification_requested


def notify(
    *, user, title: str, body: str = "", url: str = "", kind: str = "", email: bool = False
) -> None:
    """Notify a user in the app (and outside it, by e-mail or a configured gateway, when
    ``email``) in the current transaction: a rolled-back action notifies nobody, and a committed
    one has its outgoing messages queued in the outbox (``ebakul/notifications``), delivered by a
    task after commit with retries (ADR 0300)."""
    Notification.objects.create(user=user, title=str(title), body=str(body), url=url, kind=kind)
    if email:
        notification_requested.send(
            sender=Notification, user=user, title=str(title), body=str(body), url=url, kind=kind
        )


def notification_mark_read(*, user, notification_id: int) -> None:
    Notification.objects.filter(user=user, id=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user) -> int:
    """Mark all of ``user``'s unread notifications read (only their own); returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def record_save(*, instance, actor=None):
    """Save a reference or configuration record (kecamatan, categories, job classes, limits...)
    that has no rules beyond its model's validation: validate everything, record who did it in
    the change history, then save."""
    instance.full_clean()
    set_history_user(instance, actor)
    instance.save()
    return instance
