"""Production: everything from the environment, refuse to start without the essentials."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, REDIS_URL, SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if not DATABASE_URL or not REDIS_URL:
    raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set in production.")
DEBUG = False
SESSION_COOKIE_SECURE = os.environ.get("EBAKUL_INSECURE_COOKIES") != "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
