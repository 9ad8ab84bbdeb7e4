from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_base import DeskAdmin, ReadOnlyAdminMixin
from .models import DocumentSequence, Notification


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("prefix", "last_value")
    search_fields = ("prefix",)
    ordering = ("prefix",)


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind", ReadFilter)
    search_fields = ("title", "user__username")
    list_select_related = ("user",)
