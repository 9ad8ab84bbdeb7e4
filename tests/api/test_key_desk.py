"""API keys in the desk: created with scopes, shown once, stored hashed, revocable; admins only."""

import hashlib

import pytest

from ebakul.api.models import ApiKey

pytestmark = pytest.mark.django_db


def test_admin_creates_a_key_and_sees_it_once(client, admin_user, etpp_client):
    client.force_login(admin_user)
    response = client.post(
        "/desk/api/apikey/add/",
        {"client": etpp_client.pk, "name": "produksi", "scopes": ["etpp:read", "etpp:write"]},
    )
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_key"]
    key = ApiKey.objects.get()
    assert raw in response.content.decode()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.scopes == ["etpp:read", "etpp:write"]
    assert key.created_by == admin_user
    # The key works, and is never shown again.
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert api.get("/api/v1/periods/").status_code == 200
    assert raw not in client.get(f"/desk/api/apikey/{key.pk}/change/").content.decode()
    assert raw not in client.get("/desk/api/apikey/").content.decode()


def test_admin_revokes_keys_with_the_action(client, admin_user, rw_key, api_with):
    client.force_login(admin_user)
    client.post(
        "/desk/api/apikey/",
        {"action": "revoke_keys", "_selected_action": [rw_key.key.pk]},
    )
    assert ApiKey.objects.get(pk=rw_key.key.pk).revoked_at is not None
    assert api_with(rw_key.raw).get("/api/v1/periods/").status_code == 401


def test_a_key_needs_a_scope(client, admin_user, etpp_client):
    client.force_login(admin_user)
    response = client.post("/desk/api/apikey/add/", {"client": etpp_client.pk, "scopes": []})
    assert response.status_code == 200
    assert not ApiKey.objects.exists()


def test_verifiers_cannot_manage_keys(client, verifier, rw_key):
    client.force_login(verifier)
    assert client.get("/desk/api/apikey/").status_code == 403
    assert client.get("/desk/api/apikey/add/").status_code == 403


def test_admin_creates_an_integration_client(client, admin_user):
    from ebakul.api.models import IntegrationClient

    client.force_login(admin_user)
    response = client.post(
        "/desk/api/integrationclient/add/",
        {"name": "e-TPP", "description": "", "rate_limit": "600/min", "active": "on"},
    )
    assert response.status_code == 302, response.content[:3000]
    created = IntegrationClient.objects.get(name="e-TPP")
    assert created.service_user.has_usable_password() is False
    bad = client.post(
        "/desk/api/integrationclient/add/", {"name": "x", "rate_limit": "banyak", "active": "on"}
    )
    assert bad.status_code == 200
    assert not IntegrationClient.objects.filter(name="x").exists()
