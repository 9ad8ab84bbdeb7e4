"""The test suite: MariaDB and Redis from the environment (see scripts/test.sh)."""

import os

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, REDIS_URL, env_bool

SECRET_KEY = "test-only-key"
IDENTITY_HASH_KEY = "test-only-identity-hash-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = os.environ.get("EBAKUL_TEST_MEDIA_ROOT", "/tmp/ebakul-test-media")  # noqa: S108

# pytest-xdist (scripts/test.sh runs the suite on every core, ADR 0500): each worker has its own
# test database (pytest-django adds the worker's name to it), its own Redis database (a test that
# clears the cache must not clear another worker's) and its own media folder.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw"):
    _n = int(_WORKER[2:])
    MEDIA_ROOT = f"{MEDIA_ROOT}-{_WORKER}"
    if REDIS_URL:
        _base, _, _db = REDIS_URL.rpartition("/")
        _db = ((int(_db) if _db.isdigit() else 0) + 1 + _n) % 16
        CACHES["default"]["LOCATION"] = f"{_base}/{_db}"
# Eager unless told otherwise: the fault tests run a real worker (tests/faults).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
if os.environ.get("EBAKUL_REQUIRE_MARIADB") == "1":
    assert DATABASES["default"]["ENGINE"] == "django.db.backends.mysql", (
        "make test runs on MariaDB: set DATABASE_URL=mysql://..."
    )
