"""The marketplace in the desk: the search synonyms and spelling variants administrators edit
(docs/adr/0421). Saving or deleting one goes through ``services.synonym_save`` /
``services.synonym_delete``, which rebuild the search text of the listings it touches in the
background. Moderation of listings and reviews is on its own pages (``desk.py``)."""

from django.contrib import admin

from ebakul.core.admin_base import DeskHistoryAdmin

from . import services
from .models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(DeskHistoryAdmin):
    list_display = ("term", "canonical", "updated_at")
    search_fields = ("term", "canonical")
    ordering = ("term",)

    def service_create(self, request, obj, form):
        return services.synonym_save(synonym=obj, actor=request.user)

    def service_update(self, request, obj, form):
        return services.synonym_save(synonym=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.synonym_delete(synonym=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.synonym_delete(synonym=obj, actor=request.user)
