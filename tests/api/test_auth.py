"""Keys: missing, malformed, wrong, revoked, expired and under-scoped keys are refused and
change nothing; keys are stored hashed; last use is recorded."""

import hashlib

import pytest
from django.core.cache import cache

from ebakul.api.models import SCOPE_READ, ApiKey
from ebakul.api.services import api_key_create, api_key_revoke
from ebakul.core.identifiers import make_nip
from ebakul.employees.models import Employee

from .test_employees_api import assert_problem, body

pytestmark = pytest.mark.django_db
NIP = make_nip(7100)


def try_write(client):
    return client.put(f"/api/v1/employees/{NIP}", body(), format="json")


def test_key_is_stored_hashed_and_shown_once(rw_key):
    key = ApiKey.objects.get(pk=rw_key.key.pk)
    assert rw_key.raw.startswith(f"ebk_{key.prefix}_")
    assert key.key_hash == hashlib.sha256(rw_key.raw.encode()).hexdigest()
    assert rw_key.raw not in [str(getattr(key, f.attname)) for f in ApiKey._meta.fields]


def test_a_good_key_works_and_records_its_last_use(api_with, rw_key):
    assert rw_key.key.last_used_at is None
    response = try_write(api_with(rw_key.raw))
    assert response.status_code == 201
    assert ApiKey.objects.get(pk=rw_key.key.pk).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer abc",
        "Api-Key",
        "Api-Key a b",
        "Api-Key not-a-key",
        "Api-Key ebk_deadbeef_wrongsecret",
        "Token ebk_x_y",
    ],
)
def test_missing_malformed_or_unknown_keys_get_401(rw_key, header):
    from rest_framework.test import APIClient

    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = try_write(client)
    problem = assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert problem["type"].startswith("urn:ebakul:problem:")
    assert not Employee.objects.filter(nip=NIP).exists()


def test_right_prefix_wrong_secret_is_refused(api_with, rw_key):
    prefix = rw_key.key.prefix
    response = try_write(api_with(f"ebk_{prefix}_{'x' * 43}"))
    assert_problem(response, 401)
    assert not Employee.objects.filter(nip=NIP).exists()
    assert ApiKey.objects.get(pk=rw_key.key.pk).last_used_at is None


def test_revoked_key_is_refused(api_with, rw_key, admin_user):
    api_key_revoke(key=rw_key.key, actor=admin_user)
    response = try_write(api_with(rw_key.raw))
    problem = assert_problem(response, 401)
    assert "revoked" in problem["detail"] or "dicabut" in problem["detail"]
    assert not Employee.objects.filter(nip=NIP).exists()
    assert ApiKey.objects.get(pk=rw_key.key.pk).last_used_at is None


def test_expired_key_is_refused(api_with, expired_key):
    response = try_write(api_with(expired_key.raw))
    assert_problem(response, 401)
    assert not Employee.objects.filter(nip=NIP).exists()
    assert ApiKey.objects.get(pk=expired_key.key.pk).last_used_at is None


def test_inactive_client_is_refused(api_with, rw_key, etpp_client):
    etpp_client.active = False
    etpp_client.save()
    assert_problem(try_write(api_with(rw_key.raw)), 401)
    assert not Employee.objects.filter(nip=NIP).exists()


def test_read_only_key_cannot_write(api_with, read_key):
    response = try_write(api_with(read_key.raw))
    problem = assert_problem(response, 403)
    assert "etpp:write" in problem["detail"]
    assert not Employee.objects.filter(nip=NIP).exists()
    assert ApiKey.objects.get(pk=read_key.key.pk).last_used_at is None


def test_bulk_with_read_only_key_changes_nothing(api_with, read_key):
    rows = [{"nip": NIP, **body()}]
    response = api_with(read_key.raw).post("/api/v1/employees/bulk-upsert/", rows, format="json")
    assert_problem(response, 403)
    assert Employee.objects.count() == 0


def test_unknown_scope_cannot_be_issued(etpp_client):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_key_create(client=etpp_client, scopes=["etpp:admin"])
    with pytest.raises(ValidationError):
        api_key_create(client=etpp_client, scopes=[])
    assert ApiKey.objects.count() == 0


def test_throttling_returns_429_with_retry_after(api_with, issue_key, etpp_client):
    etpp_client.rate_limit = "3/min"
    etpp_client.save()
    issued = issue_key((SCOPE_READ,))
    cache.delete(f"throttle_api_key_{issued.key.prefix}")
    client = api_with(issued.raw)
    statuses = [client.get("/api/v1/employees/bulk-upsert/").status_code for _ in range(3)]
    assert 429 not in statuses
    response = client.get("/api/v1/employees/bulk-upsert/")
    problem = assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert problem["type"].endswith(":too-many-requests")
    # A different key of the same client has its own budget.
    other = issue_key((SCOPE_READ,))
    assert api_with(other.raw).get("/api/v1/employees/bulk-upsert/").status_code != 429
