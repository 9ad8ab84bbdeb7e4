"""Writes for integration clients and API keys (the API app's own models)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import ALL_SCOPES, ApiKey, IntegrationClient

KEY_PREFIX = "ebk"
MSG_UNKNOWN_SCOPE = _("Unknown scope: %(scope)s.")
MSG_NO_SCOPE = _("Choose at least one scope.")
MSG_EXPIRY_PAST = _("The expiry must be in the future.")


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    raw: str  # shown once, never stored


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def split_key(raw: str) -> tuple[str, str] | None:
    """``ebk_<prefix>_<secret>`` → (prefix, secret), or None when malformed."""
    parts = (raw or "").split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    if not parts[1].isalnum() or len(parts[1]) > 16:
        return None
    return parts[1], parts[2]


@transaction.atomic
def integration_client_create(
    *, name: str, description: str = "", rate_limit: str = "", active: bool = True, actor=None
) -> IntegrationClient:
    User = get_user_model()
    base = f"api-{slugify(name)}"[:140] or "api-client"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, is_active=True, is_staff=False)
    user.set_unusable_password()
    user.save()
    client = IntegrationClient(
        name=name,
        description=description,
        rate_limit=rate_limit,
        active=active,
        service_user=user,
    )
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def api_key_create(
    *, client: IntegrationClient, scopes, name: str = "", expires_at=None, actor=None
) -> IssuedKey:
    scopes = sorted(set(scopes or []))
    if not scopes:
        raise ValidationError({"scopes": [MSG_NO_SCOPE]})
    for scope in scopes:
        if scope not in ALL_SCOPES:
            raise ValidationError({"scopes": [MSG_UNKNOWN_SCOPE % {"scope": scope}]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [MSG_EXPIRY_PAST]})
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        client=client,
        name=name,
        prefix=prefix,
        key_hash=hash_key(raw),
        scopes=scopes,
        expires_at=expires_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return IssuedKey(key=key, raw=raw)


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor=None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
    return key


def api_key_lookup(raw: str) -> ApiKey | None:
    """The key row matching ``raw`` (usable or not), compared in constant time; None if unknown."""
    parts = split_key(raw)
    if parts is None:
        return None
    key = (
        ApiKey.objects.select_related("client", "client__service_user")
        .filter(prefix=parts[0])
        .first()
    )
    if key is None:
        # Spend the same hashing work so timing does not tell which prefixes exist.
        hmac.compare_digest(hash_key(raw), "0" * 64)
        return None
    if not hmac.compare_digest(hash_key(raw), key.key_hash):
        return None
    return key


# Last use is recorded at most once a minute per key: enough for audit, no write per request.
LAST_USED_RESOLUTION_SECONDS = 60


def api_key_touch(*, key: ApiKey) -> None:
    now = timezone.now()
    last = key.last_used_at
    if last is None or (now - last).total_seconds() >= LAST_USED_RESOLUTION_SECONDS:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
