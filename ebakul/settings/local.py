"""Local development and the demo: the embedded default unless the environment says otherwise."""

import secrets

from .base import *  # noqa: F403
from .base import DATA_DIR, IDENTITY_HASH_KEY, SECRET_KEY, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)


def _local_secret_key(name: str = "secret_key") -> str:
    """A key of this checkout's own, made once and kept in the data folder (never in the
    repository): signed links and tokens of one demo cannot be forged from the public code."""
    path = DATA_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = SECRET_KEY or _local_secret_key()
IDENTITY_HASH_KEY = IDENTITY_HASH_KEY or _local_secret_key("identity_hash_key")
ALLOWED_HOSTS = ["*"]
