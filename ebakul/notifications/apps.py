from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ebakul.notifications"
    label = "notifications"
    verbose_name = _("Outgoing messages")

    def ready(self):
        # core.services.notify announces a message meant to leave the app; the outbox writes it
        # in the same transaction (core never imports this app).
        from ebakul.core.signals import notification_requested

        from .services import on_notification_requested

        notification_requested.connect(on_notification_requested, dispatch_uid="outbox")
