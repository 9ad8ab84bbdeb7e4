"""OpenAPI schema and browsable docs (Swagger UI, Redoc) from local static files, with no
inline script the Content Security Policy would have to allow (docs/adr/0093)."""

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from ebakul.api import problems


class _Public:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get_exception_handler(self):
        return problems.exception_handler


class SchemaView(_Public, SpectacularAPIView):
    pass


class SwaggerView(_Public, SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script is a separate request (``?script``), not inline."""


class RedocView(_Public, SpectacularRedocView):
    """Redoc started by a script carrying the request's CSP nonce, without Google Fonts."""

    template_name = "api/redoc.html"


__all__ = ["SchemaView", "SwaggerView", "RedocView", "JSONRenderer"]
