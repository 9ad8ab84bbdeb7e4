"""``/healthz`` (no login: the load balancer asks) and ``/metrics`` (Prometheus: a bearer token
or an allowed address from the environment; closed when neither is configured)."""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import metrics, selectors


@never_cache
@require_GET
def healthz(request):
    healthy, body = selectors.health()
    return JsonResponse(body, status=200 if healthy else 503)


def metrics_allowed(request) -> bool:
    token = os.environ.get("EBAKUL_METRICS_TOKEN", "")
    allowed = [a.strip() for a in os.environ.get("EBAKUL_METRICS_ALLOWED_IPS", "").split(",")]
    allowed = [a for a in allowed if a]
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if allowed:
        try:
            addr = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(addr in ipaddress.ip_network(a, strict=False) for a in allowed)
    return False


@never_cache
@require_GET
def metrics_view(request):
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
