"""The outbox: messages that leave the application (e-mail now; a WhatsApp or SMS gateway by
configuration later). See docs/adr/0300-notification-outbox.md and docs/notifications.md."""
