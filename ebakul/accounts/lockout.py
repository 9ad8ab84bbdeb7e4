"""Login lockout on django-axes with three separate budgets (docs/adr/0090-lockout-on-axes.md).

Axes records every failed login of the portal (/masuk/) and the desk (/desk/login/) in its
``AccessAttempt`` table (MariaDB) and refuses logins while a budget is spent. Its
``AXES_LOCKOUT_PARAMETERS`` name three keys, each counted on its own:

* ``account_device`` — (username, client IP): the small budget; a person who mistypes is locked
  on their device only, and an attacker at one address cannot lock the account for others;
* ``address`` — client IP: stops one address from trying one password on many NIPs;
* ``account`` — username over all addresses: stops a guess spread over many addresses.

Axes compares one number with one limit, so :class:`BudgetDatabaseHandler` reports the failures
in units of the ``account_device`` budget: the result reaches ``AXES_FAILURE_LIMIT`` exactly when
one of the budgets is spent.

Usernames are compared casefolded (``NIP`` and ``nip`` are one account) and the client IP is read
from ``X-Forwarded-For`` only when the request comes from a trusted reverse proxy
(:func:`client_ip`).
"""

import ipaddress
import logging

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

security_log = logging.getLogger("ebakul.security")

DEFAULTS = {
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 30,
    "LOGIN_LOCKOUT_SECONDS": 15 * 60,
}
# AXES_LOCKOUT_PARAMETERS, in this order, and the setting that holds each one's budget.
PARAMETERS = (
    (("username", "ip_address"), "account_device", "LOGIN_MAX_FAILURES"),
    (("ip_address",), "address", "LOGIN_MAX_FAILURES_PER_ADDRESS"),
    (("username",), "account", "LOGIN_MAX_FAILURES_PER_ACCOUNT"),
)


def _setting(name: str) -> int:
    return int(getattr(settings, "EBAKUL", {}).get(name, DEFAULTS[name]))


def max_failures() -> int:
    """Wrong passwords allowed for one account from one address."""
    return _setting("LOGIN_MAX_FAILURES")


def lockout_seconds() -> int:
    return _setting("LOGIN_LOCKOUT_SECONDS")


def budgets() -> dict[str, int]:
    return {name: _setting(key) for _fields, name, key in PARAMETERS}


# --- What axes calls -----------------------------------------------------------------------


def normalise_username(username) -> str | None:
    if username is None:
        return None
    return str(username).strip().casefold() or None


def username_key(request, credentials) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the posted username, casefolded."""
    if credentials and credentials.get("username") is not None:
        return normalise_username(credentials.get("username"))
    data = getattr(request, "POST", None) or {}
    return normalise_username(data.get("username"))


def _networks(entries) -> list:
    return [ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip()]


def _in(address: str | None, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip.version == n.version and ip in n for n in networks)


def client_ip(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the address failures are counted against.

    ``REMOTE_ADDR`` unless ``EBAKUL_TRUSTED_PROXY_COUNT`` says reverse proxies stand in front of
    the application AND the request comes from one of ``EBAKUL_TRUSTED_PROXIES``; only then is
    the client read from ``X-Forwarded-For`` by django-ipware, counting the proxies from the right
    (each proxy appends the address it saw, so what a client writes at the left is never used).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "EBAKUL_TRUSTED_PROXY_COUNT", 0) or 0)
    trusted = _networks(getattr(settings, "EBAKUL_TRUSTED_PROXIES", ()))
    if count <= 0 or not _in(remote, trusted):
        return remote
    import ipware.ip

    ip, _routable = ipware.ip.get_client_ip(
        request,
        proxy_order="left-most",
        # ipware counts the proxies listed in the header; the last proxy is REMOTE_ADDR itself.
        proxy_count=count - 1,
        request_header_order=("HTTP_X_FORWARDED_FOR",),
        strict=False,
    )
    return ip or remote


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the login form already shows the lockout message (200)."""
    return original_response


# --- The handler -------------------------------------------------------------------------------


class BudgetDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler with one budget per lockout parameter."""

    def failures_by_budget(self, request, credentials=None) -> dict[str, int]:
        names = {tuple(sorted(fields)): name for fields, name, _key in PARAMETERS}
        parameters = get_lockout_parameters(request, credentials)
        querysets = self.get_user_attempts(request, credentials)
        counts = {}
        for parameter, qs in zip(parameters, querysets, strict=True):
            fields = (parameter,) if isinstance(parameter, str) else parameter
            name = names[tuple(sorted(fields))]
            counts[name] = qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
        return counts

    def spent_budgets(self, request, credentials=None) -> list[str]:
        limits = budgets()
        counts = self.failures_by_budget(request, credentials)
        return [name for name, n in counts.items() if n >= limits[name]]

    def get_failures(self, request, credentials=None) -> int:
        base = get_failure_limit(request, credentials)
        limits = budgets()
        counts = self.failures_by_budget(request, credentials)
        # In units of the smallest budget: reaches ``base`` exactly when a budget is spent.
        return max(counts[name] * base // max(1, limits[name]) for name in counts)

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # A successful login clears this account's failures from this address only: the address
        # and account budgets keep counting what others tried.
        username = normalise_username(user.get_username())
        AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)
        ).delete()


# --- Used by the login forms and the desk --------------------------------------------------


def is_locked(request, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, get_credentials(username))


def spent_budgets(request, username: str) -> list[str]:
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if not isinstance(handler, BudgetDatabaseHandler):
        return []
    return handler.spent_budgets(request, get_credentials(username))


def log_lockout(sender, request, username, ip_address, **kwargs):
    """Receiver of axes' ``user_locked_out``: one line on ``ebakul.security``."""
    security_log.warning(
        "login locked out: username=%s ip=%s budgets=%s path=%s",
        username,
        ip_address,
        ",".join(spent_budgets(request, username)) if request is not None else "?",
        getattr(request, "path", "?"),
    )


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend (first in ``AUTHENTICATION_BACKENDS``). A call without a request (the test
    client's ``login()``, a shell) has no client address to count against and nothing to lock,
    so it is passed on to the next backend instead of failing; every login page passes one."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
