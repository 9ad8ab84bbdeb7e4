"""Keyed hashes of personal identifiers (NIK, nomor KK, phone, e-mail) for matching.

``identity_hash("nik", "3522...")`` is HMAC-SHA256 under ``settings.IDENTITY_HASH_KEY`` with the
kind as a prefix, so equal numbers give equal hashes (matching is one indexed equality) while a
stolen table cannot be reversed by enumerating the 10^16 numbers without the key, and a NIK never
matches a KK number with the same digits. The key comes from the environment in production and
from a per-checkout file in development (docs/adr/0210); it is never in the repository.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HASH_LENGTH = 64  # hex digits of SHA-256


def _key() -> bytes:
    key = getattr(settings, "IDENTITY_HASH_KEY", "")
    if not key:
        raise ImproperlyConfigured("IDENTITY_HASH_KEY is not set (EBAKUL_IDENTITY_HASH_KEY).")
    return key.encode()


def normalise_identifier(kind: str, value: str) -> str:
    text = (value or "").strip()
    if kind == "email":
        return text.lower()
    if kind == "phone":
        digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        return digits
    return "".join(text.split())


def identity_hash(kind: str, value: str) -> str:
    """The hex HMAC of ``value`` as a ``kind`` identifier; "" for an empty value."""
    text = normalise_identifier(kind, value)
    if not text:
        return ""
    return hmac.new(_key(), f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


def mask_identifier(value: str) -> str:
    """What a verifier may see of a NIK or KK number: region code and the last two digits."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
