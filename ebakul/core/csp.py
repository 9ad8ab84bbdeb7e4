"""Content Security Policy (django-csp 4): one strict policy, relaxed per area only where the
code that runs there needs it (docs/adr/0093-content-security-policy.md).

``settings.CONTENT_SECURITY_POLICY`` is the strict policy every response gets (portal, API);
``settings.EBAKUL_CSP_AREAS`` lists path prefixes and the directives replaced there: the desk
(django-unfold: Alpine.js evaluates its ``x-data`` expressions, so ``'unsafe-eval'``, and inline
``<style>`` elements) and the API's documentation pages (Swagger UI / Redoc styles and workers).
A response that already carries a policy (a file served with ``sandbox``) keeps it.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def area_directives(path: str) -> dict | None:
    for prefixes, directives in getattr(settings, "EBAKUL_CSP_AREAS", ()):
        if path.startswith(tuple(prefixes)):
            return directives
    return None


class AreaCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        directives = area_directives(request.path_info)
        if directives:
            parts.replace = {**directives, **(parts.replace or {})}
        return parts
