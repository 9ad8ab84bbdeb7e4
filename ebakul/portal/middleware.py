from django.shortcuts import redirect
from django.urls import reverse

# Paths a user who must change the password may still reach.
ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/api/")


class ForcePasswordChangeMiddleware:
    """Accounts created by import or sync (``User.must_change_password``) are sent to the
    password change page on every request until they have chosen their own password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (
                reverse("portal:password_change"),
                reverse("portal:password_change_done"),
                reverse("portal:logout"),
            )
            path = request.path
            if path not in allowed and not path.startswith(ALLOWED_PREFIXES):
                return redirect(f"{allowed[0]}")
        return self.get_response(request)
