"""Finding 10 / CSP: every page carries a Content Security Policy with no outside origin and no
inline script without a nonce; only the desk allows 'unsafe-eval' (Alpine.js), and a response
that brings its own policy keeps it."""

import re

import pytest
from django.test import RequestFactory

from ebakul.core.csp import AreaCSPMiddleware

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_strict_core(csp: dict[str, list[str]]):
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    # Nothing from another origin, anywhere.
    for values in csp.values():
        for value in values:
            assert not re.match(r"(https?:|\*|//)", value), value


@pytest.mark.parametrize("url", ["/", "/masuk/"])
def test_portal_pages_have_the_strict_policy(client, ref, url):
    csp = directives(client.get(url))
    assert_strict_core(csp)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]


def test_employee_home_has_the_strict_policy(client, employee_user):
    client.force_login(employee_user)
    response = client.get("/pegawai/")
    assert response.status_code == 200
    csp = directives(response)
    assert_strict_core(csp)
    assert "'unsafe-eval'" not in csp["script-src"]
    # No inline script or handler in the page itself.
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_desk_allows_eval_for_alpine_and_nothing_from_outside(client, admin_user):
    client.force_login(admin_user)
    for url in ("/desk/", "/desk/employees/employee/", "/desk/login/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        csp = directives(response)
        assert_strict_core(csp)
        assert "'unsafe-eval'" in csp["script-src"], url


def test_api_docs_have_a_policy_and_redoc_runs_with_the_nonce(client, ref):
    swagger = client.get("/api/v1/docs/")
    assert swagger.status_code == 200
    csp = directives(swagger)
    assert_strict_core(csp)
    assert "'unsafe-eval'" not in csp["script-src"]
    # Swagger UI's start-up script is a file of its own, not inline.
    html = swagger.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()

    redoc = client.get("/api/v1/docs/redoc/")
    csp = directives(redoc)
    assert_strict_core(csp)
    nonce = re.search(r"<script nonce=\"([^\"]+)\"", redoc.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in csp["script-src"]
    assert "fonts.googleapis.com" not in redoc.content.decode()


def test_a_response_with_its_own_policy_keeps_it(settings):
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse(b"file")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    request = RequestFactory().get("/nota/1/")
    response = AreaCSPMiddleware(view)(request)
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
