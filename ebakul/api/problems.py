"""RFC 9457 problem details for everything under /api/: DRF's exception handler and the
Django-level 400/403/404/500 handlers. Never an HTML page, never a stack trace."""

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response

from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError

logger = logging.getLogger("ebakul.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:ebakul:problem:"

# type slug for each status when nothing more specific is known
_STATUS_TYPES = {
    400: "bad-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    415: "unsupported-media-type",
    429: "too-many-requests",
    500: "server-error",
}


def _titles():
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def problem_body(
    status_code: int, *, detail: str = "", type_slug: str | None = None, title=None, **extra
) -> dict:
    slug = type_slug or _STATUS_TYPES.get(status_code, "error")
    body = {
        "type": TYPE_PREFIX + slug,
        "title": str(title or _titles().get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail or title or _titles().get(status_code, _("Error"))),
    }
    body.update(extra)
    return body


def problem_response(status_code: int, *, headers=None, **kwargs) -> Response:
    return Response(
        problem_body(status_code, **kwargs),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )


def _flatten(detail, field: str | None = None) -> list[dict]:
    """DRF/Django error structures → ``[{"field": "a.0.b", "message": "..."}]``."""
    out = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else str(key)
            if field is not None and name is not None:
                name = f"{field}.{name}"
            elif name is None:
                name = field
            out.extend(_flatten(value, name))
    elif isinstance(detail, list | tuple):
        if all(not isinstance(v, dict | list | tuple) for v in detail):
            out.extend({"field": field, "message": str(v)} for v in detail)
        else:
            for index, value in enumerate(detail):
                if value:
                    out.extend(
                        _flatten(value, f"{field}.{index}" if field is not None else str(index))
                    )
    else:
        out.append({"field": field, "message": str(detail)})
    return out


def validation_errors(exc) -> list[dict]:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return _flatten({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        return _flatten([str(m) for m in exc.messages])
    return _flatten(exc.detail)


def validation_problem(errors: list[dict], detail: str | None = None) -> Response:
    return problem_response(
        400,
        type_slug="validation",
        title=_("Invalid request"),
        detail=detail or _("The request has invalid fields."),
        errors=errors,
    )


def exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: every error a problem body."""
    headers = {}
    if isinstance(exc, exceptions.ValidationError | DjangoValidationError):
        return validation_problem(validation_errors(exc))
    if isinstance(exc, PermissionDeniedError):
        return problem_response(403, detail=exc.message, type_slug=exc.code)
    if isinstance(exc, ConflictError):
        return problem_response(409, detail=exc.message, type_slug=exc.code.replace("_", "-"))
    if isinstance(exc, DomainError):
        errors = [{"field": exc.field, "message": str(exc.message)}]
        return problem_response(
            400, detail=exc.message, type_slug=exc.code.replace("_", "-"), errors=errors
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        if isinstance(exc, exceptions.MethodNotAllowed):
            view = context.get("view")
            if view is not None:
                headers["Allow"] = ", ".join(view.allowed_methods)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        status_code = exc.status_code
        extra = {}
        if status_code == 400:  # e.g. a body that is not JSON: every 400 lists its errors
            extra["errors"] = [{"field": None, "message": detail}]
        return problem_response(status_code, detail=detail, headers=headers or None, **extra)
    logger.exception("Unhandled error in API view", exc_info=exc)
    return problem_response(500, detail=_("An unexpected error occurred. It has been logged."))


# --- Django-level handlers (set in ebakul/urls.py) --------------------------------------------


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


def _json(status_code: int, **kwargs) -> JsonResponse:
    return JsonResponse(
        problem_body(status_code, **kwargs), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


def handler400(request, exception=None):
    if is_api_request(request):
        return _json(400)
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if is_api_request(request):
        return _json(403)
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if is_api_request(request):
        return _json(404, detail=_("No resource at this address."))
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api_request(request):
        return _json(500, detail=_("An unexpected error occurred. It has been logged."))
    return defaults.server_error(request)


@csrf_exempt
def not_found_view(request, *args, **kwargs):
    """Catch-all for unknown /api/v1/ paths, so even DEBUG never renders an HTML page."""
    return _json(404, detail=_("No resource at this address."))
