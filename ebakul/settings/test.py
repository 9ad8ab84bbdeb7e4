"""The test suite: MariaDB and Redis from the environment (see scripts/test.sh)."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, env_bool

SECRET_KEY = "test-only-key"
IDENTITY_HASH_KEY = "test-only-identity-hash-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = os.environ.get("EBAKUL_TEST_MEDIA_ROOT", "/tmp/ebakul-test-media")  # noqa: S108
# Eager unless told otherwise: the fault tests run a real worker (tests/faults).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
if os.environ.get("EBAKUL_REQUIRE_MARIADB") == "1":
    assert DATABASES["default"]["ENGINE"] == "django.db.backends.mysql", (
        "make test runs on MariaDB: set DATABASE_URL=mysql://..."
    )
