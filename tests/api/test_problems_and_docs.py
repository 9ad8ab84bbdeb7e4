"""Errors under /api/ are problem+json (404, 405, 500 included); the docs are served locally."""

import pytest
from django.test import Client, RequestFactory

from ebakul.api import problems

from .test_employees_api import assert_problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/periods", "/api/v2/periods/", "/api/"]
)
def test_unknown_paths_are_problem_404(api, path):
    problem = assert_problem(api.get(path), 404)
    assert problem["type"] == "urn:ebakul:problem:not-found"
    assert b"<html" not in api.get(path).content.lower()


def test_unknown_post_path_is_404_not_a_csrf_page(api):
    assert_problem(api.post("/api/v1/deductions/x/acknowledge/", {}, format="json"), 404)


def test_wrong_method_is_problem_405(api):
    response = api.delete("/api/v1/periods/")
    problem = assert_problem(response, 405)
    assert "GET" in response["Allow"]
    assert problem["type"] == "urn:ebakul:problem:method-not-allowed"


def test_unsupported_media_type_is_problem_415(api):
    response = api.put("/api/v1/employees/196601012000011001", "name=x", content_type="text/plain")
    assert_problem(response, 415)


def test_a_crash_is_problem_500_without_a_trace(rw_key, monkeypatch):
    from ebakul.api.views import etpp

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(etpp.Period.objects, "order_by", boom)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/periods/", HTTP_AUTHORIZATION=f"Api-Key {rw_key.raw}")
    problem = assert_problem(response, 500)
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
    assert problem["type"] == "urn:ebakul:problem:server-error"


def test_django_level_handlers_answer_problem_json_under_api_only():
    rf = RequestFactory()
    response = problems.handler500(rf.get("/api/v1/periods/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert problems.handler404(rf.get("/api/x/"), None)["Content-Type"] == (
        "application/problem+json"
    )
    assert problems.handler400(rf.get("/api/x/"), None).status_code == 400
    assert problems.handler403(rf.get("/api/x/"), None).status_code == 403
    assert "html" in problems.handler500(rf.get("/portal/"))["Content-Type"]


def test_schema_and_docs_are_public_and_local(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(paths) == {
        "/api/v1/periods/",
        "/api/v1/periods/{period}/deductions/",
        "/api/v1/deductions/{id}/acknowledge/",
        "/api/v1/employees/{nip}",
        "/api/v1/employees/bulk-upsert/",
        "/api/v1/employees/{nip}/compliance/",
        "/api/v1/catalogue/products/",
    }
    assert schema.json()["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "Authorization"
    for url in ("/api/v1/docs/", "/api/v1/docs/redoc/"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
