"""Property-based run of the OpenAPI schema against the app (bounded: 20 examples per
operation, derandomized). No server error, and every response conforms to the schema (status
codes, content types, headers, bodies). Requests go in-process through Django's WSGI app, inside
the test transaction, with a read+write API key and a locked period present."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

pytestmark = pytest.mark.django_db


def _schema_dict() -> dict:
    # The same document /api/v1/schema/ serves (asserted below), built without a request.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_schema_dict())
schema.app = get_wsgi_application()
_current_key: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class ApiKeyAuth:
    """The test's read+write key, through schemathesis' auth hook: its auth checks can then
    remove or corrupt it and expect 401."""

    def get(self, case, ctx):
        return _current_key.get("raw", "")

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Api-Key {data}"}


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Like Django's test client: the request signals must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_served_schema_is_the_one_tested(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert json.loads(response.content) == _schema_dict()


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, rw_key, locked_period):
    _current_key["raw"] = rw_key.raw
    response = case.call()
    # Every check but positive_data_acceptance: schema-valid NIPs, job classes and unit codes
    # may still be refused (400) by rules the schema cannot express (NIP birth date, reference
    # data), which is the contract.
    excluded = [positive_data_acceptance]
    if case.operation.path == "/api/v1/employees/bulk-upsert/":
        # Invalid rows of a bulk upsert are rejected one by one in a 200 answer (the contract),
        # so a schema-violating row is not a 4xx for the whole request.
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded)
