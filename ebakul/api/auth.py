"""``Authorization: Api-Key <key>`` authentication, scope permission and per-key throttling."""

import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import SCOPE_READ, SCOPE_WRITE, ApiKey
from .services import api_key_lookup

KEYWORD = "Api-Key"
MSG_MALFORMED = _('Malformed Authorization header: expected "Api-Key <key>".')
MSG_INVALID_KEY = _("Invalid API key.")
MSG_REVOKED = _("This API key has been revoked.")
MSG_EXPIRED = _("This API key has expired.")
MSG_CLIENT_INACTIVE = _("The integration client of this API key is inactive.")
MSG_MISSING_SCOPE = _("This API key does not have the scope %(scope)s.")
DEFAULT_RATE = "1200/min"


auth_log = logging.getLogger("ebakul.api.auth")


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        try:
            return self._authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            # One line per refused key (never the key itself): for fail2ban-style alerts.
            auth_log.warning(
                "api authentication failed",
                extra={
                    "reason": str(exc.detail),
                    "ip": request.META.get("REMOTE_ADDR", ""),
                    "path": request.path,
                },
            )
            raise

    def _authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != KEYWORD.lower().encode() or len(header) != 2:
            raise exceptions.AuthenticationFailed(MSG_MALFORMED)
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(MSG_MALFORMED) from exc
        key = api_key_lookup(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(MSG_INVALID_KEY)
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(MSG_REVOKED)
        if key.expires_at is not None and key.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(MSG_EXPIRED)
        if not key.client.active or not key.client.service_user.is_active:
            raise exceptions.AuthenticationFailed(MSG_CLIENT_INACTIVE)
        return key.client.service_user, key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="ebakul"'


class ScopePermission(BasePermission):
    """Reads need ``etpp:read``, writes ``etpp:write``; a view may name its own ``required_scope``."""

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        scope = getattr(view, "required_scope", None) or (
            SCOPE_READ if request.method in SAFE_METHODS else SCOPE_WRITE
        )
        if not key.has_scope(scope):
            self.message = MSG_MISSING_SCOPE % {"scope": scope}
            return False
        return True


class ApiKeyRateThrottle(SimpleRateThrottle):
    """A fixed budget of requests per key (window in Redis through the default cache). The
    client's ``rate_limit`` overrides the default ``DEFAULT_THROTTLE_RATES["api_key"]``."""

    scope = "api_key"

    def __init__(self):  # the rate depends on the key, so it is resolved per request
        self.rate = None

    def allow_request(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        self.rate = key.client.rate_limit or api_settings.DEFAULT_THROTTLE_RATES.get(
            self.scope, DEFAULT_RATE
        )
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Send "Api-Key <key>". Scopes: etpp:read, etpp:write.',
        }
