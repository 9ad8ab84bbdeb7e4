"""Login forms shared by the portal (/masuk/) and the desk (/desk/login/): django-axes counts the
failures and both forms show one lockout message (docs/adr/0090-lockout-on-axes.md)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.forms import AuthenticationForm as UnfoldAuthenticationForm

from . import lockout

MSG_LOCKED = _(
    "Too many failed login attempts. For your security this account is locked on this device "
    "for %(minutes)s minutes. Try again later or reset your password."
)


class LockoutMixin:
    """For an AuthenticationForm: refuse a locked-out login before checking the password (even
    the right one), with the lockout message also on the failure that spends a budget. Axes
    counts the failures (through Django's ``user_login_failed`` signal) and clears the
    (account, address) count after a successful login."""

    def _locked(self):
        return ValidationError(
            MSG_LOCKED,
            code="locked",
            params={"minutes": max(1, lockout.lockout_seconds() // 60)},
        )

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and self.request is not None and lockout.is_locked(self.request, username):
            raise self._locked()
        try:
            return super().clean()
        except ValidationError as exc:
            if getattr(self.request, "axes_locked_out", False):
                raise self._locked() from exc
            raise


class DeskLoginForm(LockoutMixin, UnfoldAuthenticationForm):
    """The desk's login form (unfold's look) with the same lockout as the portal."""
