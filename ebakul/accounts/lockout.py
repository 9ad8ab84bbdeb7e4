"""Login lockout: failed logins are counted per (username, client IP) in the cache.

See docs/adr/0050-login-lockout.md. The cache is Redis in production and tests, so the count
is shared by every worker process and expires on its own.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

DEFAULTS = {"LOGIN_MAX_FAILURES": 5, "LOGIN_LOCKOUT_SECONDS": 15 * 60}


def _setting(name: str) -> int:
    return int(getattr(settings, "EBAKUL", {}).get(name, DEFAULTS[name]))


def max_failures() -> int:
    return _setting("LOGIN_MAX_FAILURES")


def lockout_seconds() -> int:
    return _setting("LOGIN_LOCKOUT_SECONDS")


def client_ip(request) -> str:
    # Behind the regency's reverse proxy REMOTE_ADDR is set by the WSGI server from the proxy
    # configuration; X-Forwarded-For is not trusted here because clients can forge it.
    return (request.META.get("REMOTE_ADDR") or "unknown") if request else "unknown"


def _key(username: str, ip: str) -> str:
    raw = f"{(username or '').strip().casefold()}|{ip}".encode()
    return "login-fail:" + hashlib.sha256(raw).hexdigest()


def is_locked(username: str, ip: str) -> bool:
    return (cache.get(_key(username, ip)) or 0) >= max_failures()


def register_failure(username: str, ip: str) -> int:
    key = _key(username, ip)
    # add() is a no-op when the key exists, so the window starts at the first failure.
    cache.add(key, 0, timeout=lockout_seconds())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=lockout_seconds())
        return 1


def clear_failures(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
