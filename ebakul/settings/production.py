"""Production: everything from the environment; refuse to start without the essentials.

``make run`` (scripts/run.sh) uses these settings. Every missing or unsafe value is reported at
once, in one readable message (see docs/operations.md for the variables).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    DATABASE_URL,
    EBAKUL_SITE_URL,
    EMAIL_BACKEND,
    IDENTITY_HASH_KEY,
    REDIS_URL,
    SECRET_KEY,
    env_bool,
)

EBAKUL_PRODUCTION = True
DEBUG = False

# A plain-HTTP lab with no TLS and no proxy in front (never the real service): no SSL redirect,
# no secure-only cookies, no HSTS. ``check --deploy`` then warns, as it should.
PLAIN_HTTP = env_bool("EBAKUL_PLAIN_HTTP", False)

REFUSED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}

problems = []
if not SECRET_KEY:
    problems.append("DJANGO_SECRET_KEY is not set (a long random string, kept secret).")
if len(IDENTITY_HASH_KEY) < 32:
    problems.append(
        "EBAKUL_IDENTITY_HASH_KEY is not set (a random string of at least 32 characters, kept "
        "secret and never changed: it links NIK and KK numbers without storing them readably)."
    )
if not os.environ.get("DJANGO_ALLOWED_HOSTS", "").strip():
    problems.append(
        "DJANGO_ALLOWED_HOSTS is not set (the host names of the site, comma separated)."
    )
elif "*" in ALLOWED_HOSTS:
    problems.append("DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*'.")
if not DATABASE_URL or not REDIS_URL:
    problems.append("DATABASE_URL and REDIS_URL must be set (MariaDB and Redis).")
if not os.environ.get("EMAIL_BACKEND") or EMAIL_BACKEND in REFUSED_EMAIL_BACKENDS:
    problems.append(
        "EMAIL_BACKEND must be a real mail backend, e.g. "
        "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST (password-reset links "
        "must not end up in logs)."
    )
if not os.environ.get("EBAKUL_SITE_URL", "").strip():
    problems.append("EBAKUL_SITE_URL is not set (e.g. https://ebakul.bojonegorokab.go.id).")
elif not PLAIN_HTTP and not EBAKUL_SITE_URL.startswith("https://"):
    problems.append(
        "EBAKUL_SITE_URL must start with https:// (or set EBAKUL_PLAIN_HTTP=1 in a lab)."
    )
if problems:
    raise ImproperlyConfigured(
        "eBakul cannot start with the production settings:\n"
        + "\n".join(f"  - {p}" for p in problems)
    )

# --- HTTPS ----------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = not PLAIN_HTTP
SESSION_COOKIE_SECURE = not PLAIN_HTTP
CSRF_COOKIE_SECURE = not PLAIN_HTTP
SECURE_HSTS_SECONDS = 0 if PLAIN_HTTP else int(os.environ.get("EBAKUL_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("EBAKUL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("EBAKUL_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy: the header (and value) the proxy sets, e.g.
# EBAKUL_PROXY_SSL_HEADER="X-Forwarded-Proto: https". Unset: the request's own scheme counts.
_ssl_header = os.environ.get("EBAKUL_PROXY_SSL_HEADER", "").strip()
if _ssl_header:
    _name, _sep, _value = _ssl_header.partition(":")
    if not _sep or not _value.strip():
        raise ImproperlyConfigured(
            "EBAKUL_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto: https'."
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip(),
    )
USE_X_FORWARDED_HOST = False

# --- Other headers --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The HSTS preload list takes registrable domains; eBakul runs on a subdomain of the regency's
# domain, which is not ours to preload (docs/adr/0091-production-settings.md).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Operations (ADR 0301) ------------------------------------------------------------------
# The load balancer and Prometheus ask over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^metrics$"]
# JSON log lines unless told otherwise (EBAKUL_LOG_FORMAT=text).
if not os.environ.get("EBAKUL_LOG_FORMAT"):
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
