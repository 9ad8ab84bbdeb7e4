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
