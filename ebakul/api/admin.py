"""Desk pages for integration clients and their API keys (administrators only). A key is shown
once, right after it is created; afterwards only its prefix is visible."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from ebakul.accounts import roles
from ebakul.core.admin_base import DeskAdmin, NoDeleteMixin

from .models import SCOPE_CHOICES, ApiKey, IntegrationClient
from .services import api_key_create, api_key_revoke, integration_client_create

MSG_REVOKED = _("%(count)d key(s) revoked.")


class AdminOnlyMixin:
    def _is_admin(self, request):
        return roles.is_admin(request.user)

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)


@admin.register(IntegrationClient)
class IntegrationClientAdmin(AdminOnlyMixin, NoDeleteMixin, DeskAdmin):
    list_display = ("name", "rate_limit", "active", "key_count", "created_at")
    search_fields = ("name",)
    fields = ("name", "description", "rate_limit", "active", "service_user")
    readonly_fields = ("service_user",)

    @display(description=_("keys"))
    def key_count(self, obj):
        return obj.keys.filter(revoked_at__isnull=True).count()

    def service_create(self, request, obj, form):
        return integration_client_create(
            name=form.cleaned_data["name"],
            description=form.cleaned_data.get("description", ""),
            rate_limit=form.cleaned_data.get("rate_limit", ""),
            active=form.cleaned_data.get("active", True),
            actor=request.user,
        )


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=SCOPE_CHOICES, widget=UnfoldAdminCheckboxSelectMultipleWidget
    )

    class Meta:
        model = ApiKey
        fields = ("client", "name", "scopes", "expires_at")


@admin.register(ApiKey)
class ApiKeyAdmin(AdminOnlyMixin, NoDeleteMixin, DeskAdmin):
    list_display = (
        "prefix",
        "client",
        "name",
        "scope_list",
        "state",
        "expires_at",
        "last_used_at",
        "created_at",
    )
    list_filter = ("client",)
    search_fields = ("prefix", "name", "client__name")
    list_select_related = ("client",)
    actions = ["revoke_keys"]
    readonly_fields = (
        "client",
        "name",
        "prefix",
        "scope_list",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "created_by",
        "created_at",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ApiKeyCreateForm.Meta.fields

    def has_change_permission(self, request, obj=None):
        # Keys are never edited; the change page is a read-only view, revoking is an action.
        return self._is_admin(request) and obj is None

    @display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes or [])

    @display(description=_("state"), label=True)
    def state(self, obj):
        if obj.revoked_at:
            return _("revoked")
        if obj.expires_at and obj.expires_at <= timezone.now():
            return _("expired")
        return _("active")

    def service_create(self, request, obj, form):
        issued = api_key_create(
            client=form.cleaned_data["client"],
            scopes=form.cleaned_data["scopes"],
            name=form.cleaned_data.get("name", ""),
            expires_at=form.cleaned_data.get("expires_at"),
            actor=request.user,
        )
        request._ebakul_issued_key = issued.raw
        return issued.key

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_ebakul_issued_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("API key created"),
            "opts": self.model._meta,
            "key": obj,
            "raw_key": raw,
            "changelist_url": reverse("admin:api_apikey_changelist"),
        }
        response = TemplateResponse(request, "api/key_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @action(description=_("Revoke the selected keys"))
    def revoke_keys(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key, actor=request.user)
            count += 1
        self.message_user(request, MSG_REVOKED % {"count": count}, messages.SUCCESS)
