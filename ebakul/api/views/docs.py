"""OpenAPI schema and browsable docs (Swagger UI, Redoc) from local static files."""

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
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


class SwaggerView(_Public, SpectacularSwaggerView):
    pass


class RedocView(_Public, SpectacularRedocView):
    pass


__all__ = ["SchemaView", "SwaggerView", "RedocView", "JSONRenderer"]
