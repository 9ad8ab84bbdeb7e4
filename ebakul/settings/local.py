"""Local development and the demo: the embedded default unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# A development-only key, generated per checkout would be nicer, but the demo must start with
# nothing configured; it is never used by production.py.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-not-for-production"
ALLOWED_HOSTS = ["*"]
