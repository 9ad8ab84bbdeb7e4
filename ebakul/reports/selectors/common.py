"""Shared pieces of the report selectors: the result shape and scoped base querysets."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import TruncDate

from ebakul.employees.models import Employee
from ebakul.employees.selectors import employees_visible_to
from ebakul.purchases.models import Purchase
from ebakul.purchases.selectors import purchases_visible_to
from ebakul.workflow.selectors import PURCHASE, state_codes

from ..access import assert_can_read_reports

WIB_OFFSET = dt.timedelta(hours=7)


def verified_q(prefix: str = "") -> Q:
    """Purchases in a state the purchase workflow counts as verified (ADR 0125): a subquery on
    the workflow's states, so it costs no query of its own."""
    return Q(**{f"{prefix}status__in": state_codes(PURCHASE, "counts_as_verified")})


def pending_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": state_codes(PURCHASE, "counts_as_pending")})


def status_set_q(name: str) -> Q:
    """The purchase status filter of the purchase-based reports: "verified", "pending" or
    "all" (both); anything else reads as "verified"."""
    if name == "pending":
        return pending_q()
    if name == "all":
        return verified_q() | pending_q()
    return verified_q()


@dataclass
class ReportData:
    """What a report selector returns: the table rows (dicts keyed by column), totals over all
    rows, and report-specific figures (``summary``) shown above the table."""

    rows: list[dict]
    totals: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)


def scoped_purchases(user) -> QuerySet[Purchase]:
    assert_can_read_reports(user)
    # Drop select_related/ordering: reports aggregate, they never load whole rows.
    return purchases_visible_to(user).select_related(None).order_by()


def scoped_employees(user) -> QuerySet[Employee]:
    assert_can_read_reports(user)
    return employees_visible_to(user).select_related(None).order_by()


def as_int(value) -> int:
    return int(value or 0)


def percent(part, whole, digits: int = 1) -> float | None:
    if not whole:
        return None
    return round(100.0 * float(part) / float(whole), digits)


def filter_purchases(qs, *, unit=None, employee_class=None, category=None, kecamatan=None):
    """Optional filters shared by the purchase-based reports (ids or model instances)."""
    if unit:
        qs = qs.filter(employee__work_unit=unit)
    if employee_class:
        qs = qs.filter(employee__employee_class=employee_class)
    if category:
        qs = qs.filter(category=category)
    if kecamatan:
        qs = qs.filter(merchant__kecamatan=kecamatan)
    return qs


def wib_day(field: str):
    """The WIB calendar date of a datetime column, computed in SQL.

    WIB is a fixed UTC+7 (no daylight saving), so the column (stored in UTC) is shifted by seven
    hours and truncated in UTC. This avoids CONVERT_TZ with named zones, which returns NULL on
    MariaDB servers without time-zone tables."""
    shifted = ExpressionWrapper(F(field) + Value(WIB_OFFSET), output_field=DateTimeField())
    return TruncDate(shifted, tzinfo=dt.UTC)
