from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Employees log in with their NIP as username; merchants and staff with a chosen name."""

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for accounts created by import or sync; cleared at the first change."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")


class LoginLockout(AccessAttempt):
    """Failed logins counted by django-axes, as the desk shows them to whoever may unlock them
    (``accounts.services.login_unlock``). No table of its own."""

    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.username or '-'} · {self.ip_address or '-'}"


class RecoveryCode(models.Model):
    """A one-time password reset code issued at the desk (docs/adr/0161): an OPD operator for
    the employees of their units, the verification team for merchants, after checking the
    person. Only the code's hash is stored; it expires after a few minutes, is used once, and is
    revoked after too many wrong tries or when a newer code is issued."""

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("account"),
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    issued_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    verified_with = models.CharField(
        _("identity checked with"),
        max_length=200,
        help_text=_("How the person was checked, for example: KTP shown in person."),
    )
    created_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")
        ordering = ["-created_at"]
        default_permissions = ("view", "add")
        indexes = [models.Index(fields=["user", "used_at", "revoked_at", "expires_at"])]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
