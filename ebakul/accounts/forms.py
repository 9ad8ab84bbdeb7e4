"""Login forms shared by the portal (/masuk/) and the desk (/desk/login/): both lock a
(username, client IP) pair out after repeated failures (docs/adr/0050-login-lockout.md)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.forms import AuthenticationForm as UnfoldAuthenticationForm

from . import lockout

MSG_LOCKED = _(
    "Too many failed login attempts. For your security this account is locked on this device "
    "for %(minutes)s minutes. Try again later or reset your password."
)


class LockoutMixin:
    """For an AuthenticationForm: refuse a locked pair before checking the password, count
    wrong passwords, and clear the count after a successful login."""

    def _locked(self):
        return ValidationError(
            MSG_LOCKED,
            code="locked",
            params={"minutes": max(1, lockout.lockout_seconds() // 60)},
        )

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        ip = lockout.client_ip(self.request)
        if username and lockout.is_locked(username, ip):
            raise self._locked()
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if username and getattr(exc, "code", None) == "invalid_login":
                failures = lockout.register_failure(username, ip)
                if failures >= lockout.max_failures():
                    raise self._locked() from exc
            raise
        lockout.clear_failures(username, ip)
        return cleaned


class DeskLoginForm(LockoutMixin, UnfoldAuthenticationForm):
    """The desk's login form (unfold's look) with the same lockout as the portal."""
