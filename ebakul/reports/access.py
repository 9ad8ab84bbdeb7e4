"""Who may read reports. Reports are desk material: administrators and verifiers see every row,
an OPD operator the rows of their own units (row scoping is applied by the selectors through the
per-model scoping functions), employees and merchants none."""

from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.errors import PermissionDeniedError

MSG_REPORTS_FORBIDDEN = _("Reports are available to administrators, verifiers and OPD operators.")

REPORT_ROLES = (roles.ADMIN, roles.VERIFIER, roles.UNIT_OPERATOR)


def can_read_reports(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(roles.has_role(user, role) for role in REPORT_ROLES)


def assert_can_read_reports(user) -> None:
    if not can_read_reports(user):
        raise PermissionDeniedError(MSG_REPORTS_FORBIDDEN)


MSG_INSIGHTS_FORBIDDEN = _(
    "The new business potential report is available to administrators and verifiers."
)


def can_read_demand_insights(user) -> bool:
    """ "Potensi usaha baru" is regency-wide (every kecamatan, every merchant category): for
    administrators and the verifiers of the UMKM office, not for OPD operators (docs/adr/0411)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return roles.is_admin_or_verifier(user)


def assert_can_read_demand_insights(user) -> None:
    if not can_read_demand_insights(user):
        raise PermissionDeniedError(MSG_INSIGHTS_FORBIDDEN)
