from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from ebakul.api import problems
from ebakul.api.auth import ApiKeyAuthentication, ApiKeyRateThrottle, ScopePermission
from ebakul.api.parsers import BoundedJSONParser
from ebakul.api.serializers import ProblemSerializer, ValidationProblemSerializer
from ebakul.api.services import api_key_touch


class ProblemAwareAutoSchema(AutoSchema):
    """Error responses are documented as application/problem+json, successes as JSON."""

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        if str(status_code).startswith(("4", "5")):
            media_types = [problems.PROBLEM_CONTENT_TYPE]
        return super()._get_response_for_code(serializer, status_code, media_types, direction)


class ApiView(APIView):
    """Base of every v1 endpoint: API-key auth, scope check, per-key throttle, JSON only,
    problem+json errors (independent of the global DRF settings)."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [ScopePermission]
    throttle_classes = [ApiKeyRateThrottle]
    renderer_classes = [JSONRenderer]
    schema = ProblemAwareAutoSchema()
    parser_classes = [BoundedJSONParser]

    def get_exception_handler(self):
        return problems.exception_handler

    def initial(self, request, *args, **kwargs):
        # Throttle before the scope check, so a key over its budget always gets 429, and record
        # the key's use only once the request is allowed (a refused request changes nothing).
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        self.perform_authentication(request)
        if request.auth is not None:
            self.check_throttles(request)
        self.check_permissions(request)
        api_key_touch(key=request.auth)


def problem(description: str, *, validation: bool = False) -> OpenApiResponse:
    return OpenApiResponse(
        response=ValidationProblemSerializer if validation else ProblemSerializer,
        description=description,
    )


COMMON_ERRORS = {
    401: problem("Missing, malformed, unknown, revoked or expired API key."),
    403: problem("The key lacks the scope this operation needs."),
    429: problem("Too many requests for this key; see the Retry-After header."),
}
