"""Read-only report selectors. Each takes the reading user (row scoping) and its filters and
returns a :class:`ReportData`; all figures are aggregated in SQL with a fixed number of queries."""

from .common import ReportData
from .compliance import (
    compliance_by_class,
    compliance_by_unit,
    deduction_register,
    employee_statement,
    employee_status_list,
    latest_computed_period,
    monthly_trend,
    statement_for,
)
from .dashboard import dashboard_figures
from .purchases import consumption_map, merchant_ranking, period_range, spend_trend

__all__ = [
    "ReportData",
    "compliance_by_class",
    "compliance_by_unit",
    "consumption_map",
    "dashboard_figures",
    "deduction_register",
    "employee_statement",
    "statement_for",
    "employee_status_list",
    "latest_computed_period",
    "merchant_ranking",
    "monthly_trend",
    "period_range",
    "spend_trend",
]
