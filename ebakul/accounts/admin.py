from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from ebakul.core.admin_base import DeskAdmin, ReadOnlyAdminMixin
from ebakul.core.errors import DomainError
from ebakul.core.labels import PermissionLabelsMixin

from .desk import install_desk_permission
from .models import LoginLockout, RecoveryCode, User
from .recovery import (
    CODE_MINUTES,
    recovery_code_issue,
    recovery_codes_visible_to,
    recovery_targets,
)
from .selectors import can_unlock_any, login_failures_visible_to
from .services import login_unlock, login_unlock_address, user_sync_desk_access

# Only desk roles (and superusers) reach /desk/, whatever their is_staff flag says.
install_desk_permission(admin.site)

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, BaseGroupAdmin, ModelAdmin):
    """Roles. The five programme roles are created by ``setup_reference``."""


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm

    list_display = ("username", "full_name", "email", "roles", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name()

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Roles and access"),
            {"fields": ("groups", "is_active", "is_staff", "must_change_password")},
        ),
        (_("Advanced permissions"), {"fields": ("is_superuser", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ("groups", "user_permissions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        # is_staff follows the roles (user_sync_desk_access); only a superuser grants superuser
        # or per-user permissions, so an Admin eBakul cannot raise anyone above their own level.
        readonly.append("is_staff")
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_desk_access(user=form.instance, actor=request.user)


@admin.register(LoginLockout)
class LoginLockoutAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """Failed logins counted by the lockout, and the unlock actions (through services)."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "login_page")
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    actions = ["unlock_accounts", "unlock_addresses"]
    fields = ("username", "ip_address", "failures_since_start", "attempt_time", "login_page")
    readonly_fields = fields

    @admin.display(description=_("login page"))
    def login_page(self, obj):
        return obj.path_info

    def get_queryset(self, request):
        return self.scoped(request, login_failures_visible_to(request.user))

    def has_unlock_permission(self, request):
        return self.has_view_permission(request)

    def has_unlock_address_permission(self, request):
        return can_unlock_any(request.user)

    @action(description=_("Unlock the logins of the selected accounts"), permissions=["unlock"])
    def unlock_accounts(self, request, queryset):
        usernames = sorted({u for u in queryset.values_list("username", flat=True) if u})
        for username in usernames:
            try:
                login_unlock(actor=request.user, username=username)
            except DomainError as exc:
                self.message_user(request, f"{username}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("Login unlocked: %s") % username, messages.SUCCESS)

    @action(
        description=_("Unlock the selected addresses (all accounts)"),
        permissions=["unlock_address"],
    )
    def unlock_addresses(self, request, queryset):
        for ip in sorted({ip for ip in queryset.values_list("ip_address", flat=True) if ip}):
            login_unlock_address(actor=request.user, ip_address=ip)
            self.message_user(request, _("Address unlocked: %s") % ip, messages.SUCCESS)


class RecoveryCodeForm(forms.ModelForm):
    class Meta:
        model = RecoveryCode
        fields = ("user", "verified_with")


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(DeskAdmin):
    """Issue a one-time reset code (docs/adr/0161): the account list is the issuer's scope,
    the code is shown once on the next page and only its hash is kept."""

    form = RecoveryCodeForm
    list_display = ("user", "issued_by", "created_at", "expires_at", "used_at", "revoked_at")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    ordering = ("-created_at",)
    autocomplete_fields = ()

    def get_queryset(self, request):
        return self.scoped(request, recovery_codes_visible_to(request.user))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "verified_with")
        return (
            "user",
            "issued_by",
            "verified_with",
            "created_at",
            "expires_at",
            "used_at",
            "revoked_at",
            "failed_attempts",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = recovery_targets(request.user).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def service_create(self, request, obj, form):
        row, code = recovery_code_issue(
            actor=request.user,
            user=form.cleaned_data["user"],
            verified_with=form.cleaned_data["verified_with"],
        )
        request._ebakul_recovery_code = code
        return row

    def response_add(self, request, obj, post_url_continue=None):
        from django.template.response import TemplateResponse

        # The desk's views are never cached (Cache-Control: no-store, private).
        return TemplateResponse(
            request,
            "accounts/admin/recovery_code_issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Reset code issued"),
                "row": obj,
                "code": getattr(request, "_ebakul_recovery_code", ""),
                "minutes": CODE_MINUTES,
            },
        )
