"""The desk's list of outgoing messages: administrators see failures (with the error) and send
them again. Rows are written only by the outbox; nothing is edited or deleted here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import action

from ebakul.accounts import roles
from ebakul.core.admin_base import DeskAdmin, ReadOnlyAdminMixin
from ebakul.core.errors import DomainError

from . import services
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("created_at", "state", "channel", "recipient", "subject", "attempts")
    list_display += ("next_attempt_at", "last_error", "sent_at")
    list_filter = ("state", "channel", "kind")
    search_fields = ("recipient", "subject")
    list_select_related = ("user",)
    actions = ["resend_action"]

    def has_view_permission(self, request, obj=None):
        return roles.is_admin(request.user) and super().has_view_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not roles.is_admin(request.user):
            actions.pop("resend_action", None)
        return actions

    @action(description=_("Send the selected failed messages again"))
    def resend_action(self, request, queryset):
        try:
            n = services.resend(
                actor=request.user, message_ids=list(queryset.values_list("id", flat=True))
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(n)d message queued again.", "%(n)d messages queued again.", n) % {"n": n},
            messages.SUCCESS,
        )
