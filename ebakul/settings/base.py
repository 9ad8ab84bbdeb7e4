"""Settings shared by every environment. Everything that differs comes from the environment.

With no configuration at all the project runs on the embedded default: SQLite in ``data/``,
Celery tasks executed eagerly and an in-memory cache (see docs/adr/0002-embedded-default.md).
"""

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ebakul.navigation import SIDEBAR

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("EBAKUL_DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# The key of the HMAC that hides NIK and KK numbers for matching (ebakul/core/keyed_hash.py).
# Never SECRET_KEY: rotating that must not unlink every stored hash. See docs/adr/0210.
IDENTITY_HASH_KEY = os.environ.get("EBAKUL_IDENTITY_HASH_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "ebakul.core",
    "ebakul.accounts",
    "ebakul.notifications",
    "ebakul.merchants",
    "ebakul.employees",
    "ebakul.marketplace",
    "ebakul.purchases",
    "ebakul.workflow",
    "ebakul.integrity",
    "ebakul.compliance",
    "ebakul.reports",
    "ebakul.monitoring",
    "ebakul.portal",
    "ebakul.api",
    # The demo data set: the top layer, imports everything (docs/adr/0122).
    "ebakul.demo",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (ADR 0301).
    "ebakul.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ebakul.core.csp.AreaCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ebakul.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF, views): 413 for bodies and files over the limits.
    "ebakul.core.middleware.BodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ebakul.portal.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns axes' lockout flag into a response (ours keeps the login form's own page).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ebakul.urls"
WSGI_APPLICATION = "ebakul.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ebakul" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ebakul.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES', "
            "innodb_strict_mode=1, time_zone='+00:00'",
            "isolation_level": "read committed",
        }
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

# A MariaDB replica for reports, exports and the e-TPP export (ebakul/core/db.py, ADR 0312).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["ebakul.core.db.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("EBAKUL_CACHE_PREFIX", "ebakul"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
# A send to an unreachable broker fails within ~0.1 s instead of retrying for seconds inside a
# request: core.dispatch records the job and the sweeper sends it later (ADR 0310).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# How long a compliance job's lock outlives a crashed run (ebakul/compliance/jobs.py, ADR 0034).
EBAKUL_JOB_LOCK_SECONDS = int(os.environ.get("EBAKUL_JOB_LOCK_SECONDS", str(2 * 60 * 60)))

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "ebakul.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/masuk/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/masuk/"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ebakul" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("EBAKUL_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "ebakul" / "static"]
# gunicorn does not serve static files: WhiteNoise does, from STATIC_ROOT after collectstatic,
# or by looking them up in the apps per request when there is none yet (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or not STATIC_ROOT.is_dir()
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("EBAKUL_MEDIA_ROOT", DATA_DIR / "media"))
# Receipts and evidence: a local folder whose failures (disk full, read-only) become a clear
# refusal with nothing half-written (ebakul/core/storage.py, ADR 0311).
STORAGES = {
    "default": {"BACKEND": "ebakul.core.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Non-file form fields and JSON bodies (the API's bulk upserts) stay under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The first handler stops reading a request as soon as one file passes
# EBAKUL["UPLOAD_MAX_BYTES"] (docs/adr/0082-body-limits.md).
FILE_UPLOAD_HANDLERS = [
    "ebakul.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Channels of the outbox (ebakul/notifications, docs/notifications.md): dotted paths of Channel
# classes; a WhatsApp or SMS gateway is added here, comma separated, once it exists.
EBAKUL_NOTIFICATION_CHANNELS = [
    c.strip()
    for c in os.environ.get(
        "EBAKUL_NOTIFICATION_CHANNELS", "ebakul.notifications.channels.EmailChannel"
    ).split(",")
    if c.strip()
]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "eBakul <noreply@ebakul.invalid>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)

# The public address of the site (scheme://host[:port]). Links in e-mails (password reset) are
# built from it, never from the request's Host header; production requires it.
EBAKUL_SITE_URL = os.environ.get("EBAKUL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
USE_X_FORWARDED_HOST = False

# --- Spreadsheet exports ---------------------------------------------------------------------
# django-import-export's own formula escaping only strips a leading "=" and turns numbers into
# text; exports escape through core.spreadsheet.safe_cell instead (docs/adr/0095).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# --- Django REST framework ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ebakul.api.problems.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"api_key": os.environ.get("EBAKUL_API_RATE", "1200/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "eBakul API",
    "DESCRIPTION": "The e-TPP interface of eBakul.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PeriodStatusEnum": "ebakul.api.serializers.PERIOD_STATUSES",
        "DeductionStatusEnum": "ebakul.api.serializers.DEDUCTION_STATUSES",
        "BulkRowStatusEnum": "ebakul.api.serializers.BULK_ROW_STATUSES",
    },
}

# --- Desk (django-unfold) -------------------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": "eBakul",
    "SITE_HEADER": "eBakul Bojonegoro",
    "SITE_SYMBOL": "storefront",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "ebakul.reports.dashboard.dashboard_callback",
    "SIDEBAR": SIDEBAR,
    "LOGIN": {"form": "ebakul.accounts.forms.DeskLoginForm"},
}

# --- Programme ------------------------------------------------------------------------------
_RECEIPT_MAX_BYTES = int(os.environ.get("EBAKUL_RECEIPT_MAX_BYTES", 5 * 1024 * 1024))
_EVIDENCE_MAX_BYTES = int(os.environ.get("EBAKUL_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024))
_UPLOAD_MAX_BYTES = max(_RECEIPT_MAX_BYTES, _EVIDENCE_MAX_BYTES)
EBAKUL = {
    # Upload limits (policy about files, not money, so it stays in settings). Every stored
    # upload goes through ebakul.core.uploads (docs/adr/0080-files-are-data-never-code.md).
    "RECEIPT_MAX_BYTES": _RECEIPT_MAX_BYTES,
    "EVIDENCE_MAX_BYTES": _EVIDENCE_MAX_BYTES,
    # No single uploaded file is read past this (ebakul.core.uploads.UploadLimitHandler).
    "UPLOAD_MAX_BYTES": _UPLOAD_MAX_BYTES,
    # Request bodies by path prefix, first match wins (ebakul.core.middleware.BodyLimitMiddleware);
    # nginx's client_max_body_size must be at least the largest (docs/operations.md).
    "BODY_LIMITS": (
        ("/api/", DATA_UPLOAD_MAX_MEMORY_SIZE),
        ("/", _UPLOAD_MAX_BYTES + 1024 * 1024),
    ),
    # Read every stored receipt with Tesseract in the background (ebakul/integrity/ocr.py);
    # off lets an overloaded server skip OCR (the OCR signals then stay silent).
    "OCR_ON_UPLOAD": env_bool("EBAKUL_OCR_ON_UPLOAD", True),
    # No purchase may be dated before the programme started (ISO date; docs/adr/0097).
    "PROGRAMME_START": os.environ.get("EBAKUL_PROGRAMME_START", "2025-01-01"),
    # Checks a draft purchase's period must pass, called as check(period=...): the purchases
    # app imports no app above it, so compliance's locked-period rule is registered here.
    "PURCHASE_DATE_CHECKS": ("ebakul.compliance.services.assert_purchase_period_open",),
    # Login lockout budgets, failures within LOGIN_LOCKOUT_SECONDS (docs/adr/0090).
    "LOGIN_MAX_FAILURES": int(os.environ.get("EBAKUL_LOGIN_MAX_FAILURES", 5)),
    "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("EBAKUL_LOGIN_MAX_PER_ADDRESS", 20)),
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("EBAKUL_LOGIN_MAX_PER_ACCOUNT", 30)),
    "LOGIN_LOCKOUT_SECONDS": int(os.environ.get("EBAKUL_LOGIN_LOCKOUT_SECONDS", 15 * 60)),
}

# --- Content Security Policy (django-csp, docs/adr/0093-content-security-policy.md) ----------
# Strict everywhere: nothing from other origins, no inline script without the request's nonce
# (``{{ request.csp_nonce }}``), no inline <style> element; style attributes are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# The consumption map's background tiles (docs/adr/0152): a URL template such as
# https://tile.openstreetmap.org/{z}/{x}/{y}.png. Empty (the default): no tiles, the map shows
# only the points. When set, its origin is the only outside origin allowed, for images only.
EBAKUL_MAP_TILES_URL = os.environ.get("EBAKUL_MAP_TILES_URL", "").strip()
EBAKUL_MAP_TILES_ATTRIBUTION = os.environ.get("EBAKUL_MAP_TILES_ATTRIBUTION", "").strip()


def tiles_origin(url: str) -> str:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ImproperlyConfigured(f"EBAKUL_MAP_TILES_URL: {url!r} is not an http(s) URL.")
    host = re.sub(r"^\{[a-z]\}\.", "*.", parts.netloc)
    if "{" in host:
        raise ImproperlyConfigured(f"EBAKUL_MAP_TILES_URL: {url!r} has a placeholder in the host.")
    return f"{parts.scheme}://{host}"


if EBAKUL_MAP_TILES_URL:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(tiles_origin(EBAKUL_MAP_TILES_URL))

# Areas whose code needs more, by path prefix: the directives replaced there.
EBAKUL_CSP_AREAS = [
    (
        # The desk and the pages drawn in its frame (django-unfold: Alpine.js, htmx, inline
        # <style> elements).
        ("/desk/", "/reports/", "/workflow/", "/compliance/"),
        {"script-src": [SELF, NONCE, UNSAFE_EVAL], "style-src": [SELF, UNSAFE_INLINE]},
    ),
    (
        # Swagger UI and Redoc (local files from drf-spectacular-sidecar).
        ("/api/v1/docs/",),
        {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]},
    ),
]

# --- Login lockout (django-axes, docs/adr/0090-lockout-on-axes.md) -------------------------
# Reverse proxies in front of the application (each appends to X-Forwarded-For). With none
# (the default) the client is REMOTE_ADDR and the header is ignored; with some, the header is
# read only on requests whose REMOTE_ADDR is in EBAKUL_TRUSTED_PROXIES (IPs or CIDRs).
EBAKUL_TRUSTED_PROXY_COUNT = int(os.environ.get("EBAKUL_TRUSTED_PROXY_COUNT", 0))
EBAKUL_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("EBAKUL_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in EBAKUL_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"EBAKUL_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from exc
AXES_HANDLER = "ebakul.accounts.lockout.BudgetDatabaseHandler"
# Three separate budgets: (account, address), address, account — see ebakul/accounts/lockout.py.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"], ["username"]]
AXES_FAILURE_LIMIT = EBAKUL["LOGIN_MAX_FAILURES"]
AXES_COOLOFF_TIME = timedelta(seconds=EBAKUL["LOGIN_LOCKOUT_SECONDS"])
AXES_USERNAME_CALLABLE = "ebakul.accounts.lockout.username_key"
AXES_CLIENT_IP_CALLABLE = "ebakul.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "ebakul.accounts.lockout.lockout_response"
# Attempts refused during a lockout are not counted again (they would stretch it forever and
# let one address spend an account's budget); a success clears only (account, address).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = False  # the desk has its own page (accounts.LoginLockout)
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept (personal data, no use yet)
AXES_VERBOSE = False  # our own line on ebakul.security says what matters (lockout.log_lockout)

# Logs (ADR 0301): one JSON object per line with the request id (EBAKUL_LOG_FORMAT=json, the
# production default) or readable text; both to stderr, where systemd's journal keeps them.
# Loggers that matter: ebakul.security (lockouts), ebakul.api.auth (refused API keys),
# ebakul.jobs (scheduled jobs), ebakul.compliance.lock (period locks), ebakul.notifications.
LOG_FORMAT = os.environ.get("EBAKUL_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ebakul.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ebakul.core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("EBAKUL_LOG_LEVEL", "INFO")},
}
