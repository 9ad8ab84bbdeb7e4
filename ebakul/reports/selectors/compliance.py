"""Compliance-based reports: by work unit, by job class, the employee list, the monthly trend,
the deduction register and the employee statement. They read ``MonthlyCompliance`` and
``TppDeduction`` rows written by the compliance app's month close."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from ebakul.compliance.models import (
    ComplianceStatus,
    DeductionStatus,
    MonthlyCompliance,
    Period,
    SanctionMode,
    TppDeduction,
)
from ebakul.compliance.selectors import (
    compliance_visible_to,
    deduction_export_rows,
    deductions_visible_to,
)
from ebakul.core.errors import PermissionDeniedError
from ebakul.core.periods import validate_period
from ebakul.purchases.models import Purchase
from ebakul.workflow.selectors import PURCHASE, state_codes

from ..access import assert_can_read_reports
from .common import ReportData, as_int, percent, scoped_employees, verified_q
from .purchases import period_range, spend_trend

# What e-TPP pulls: deductions of a locked period, before and after it acknowledged them.
REGISTER_STATUSES = (DeductionStatus.FINAL, DeductionStatus.ACKNOWLEDGED)
MSG_EMPLOYEE_NOT_VISIBLE = _("This employee is not in your scope.")

COMPLIANT = Q(status=ComplianceStatus.COMPLIANT)
SHORTFALL = Q(status=ComplianceStatus.SHORTFALL)
EXEMPT = Q(status=ComplianceStatus.EXEMPT)


def scoped_compliance(user):
    assert_can_read_reports(user)
    return compliance_visible_to(user).select_related(None).order_by()


def scoped_deductions(user):
    assert_can_read_reports(user)
    return deductions_visible_to(user).select_related(None).order_by()


def _filter(qs, *, unit=None, employee_class=None, class_field="employee_class"):
    if unit:
        qs = qs.filter(employee__work_unit=unit)
    if employee_class:
        qs = qs.filter(**{class_field: employee_class})
    return qs


def compliance_rate(compliant: int, assessed: int, exempt: int) -> float | None:
    """Compliant employees as a share of those who had a requirement (exempt ones excluded)."""
    return percent(compliant, assessed - exempt)


def _aggregates():
    return {
        "employees": Count("id"),
        "compliant": Count("id", filter=COMPLIANT),
        "below_target": Count("id", filter=SHORTFALL),
        "exempt": Count("id", filter=EXEMPT),
        "required": Sum("required_spend"),
        "verified": Sum("verified_spend"),
        "pending": Sum("pending_spend"),
        "shortfall": Sum("shortfall"),
        "deductions": Sum("deduction_amount"),
    }


MONEY_KEYS = ("required", "verified", "pending", "shortfall", "deductions")
COUNT_KEYS = ("employees", "compliant", "below_target", "exempt")


def _grouped_rows(groups, label) -> list[dict]:
    rows = []
    for g in groups:
        row = label(g)
        row.update({k: g[k] for k in COUNT_KEYS})
        row.update({k: as_int(g[k]) for k in MONEY_KEYS})
        row["compliance_rate"] = compliance_rate(g["compliant"], g["employees"], g["exempt"])
        rows.append(row)
    return rows


def _totals(rows) -> dict:
    totals = {k: sum(r[k] for r in rows) for k in (*COUNT_KEYS, *MONEY_KEYS)}
    totals["compliance_rate"] = compliance_rate(
        totals["compliant"], totals["employees"], totals["exempt"]
    )
    return totals


def _period_summary(period: str) -> dict:
    row = Period.objects.filter(period=period).values("status", "computed_at", "locked_at").first()
    return {"period": period, "period_status": (row or {}).get("status"), **(row or {})}


def compliance_by_unit(*, user, period: str, unit=None, employee_class=None) -> ReportData:
    validate_period(period)
    qs = _filter(
        scoped_compliance(user).filter(period=period), unit=unit, employee_class=employee_class
    )
    groups = (
        qs.values(
            "employee__work_unit_id", "employee__work_unit__code", "employee__work_unit__name"
        )
        .annotate(**_aggregates())
        .order_by("employee__work_unit__name")
    )
    rows = _grouped_rows(
        groups,
        lambda g: {
            "unit_id": g["employee__work_unit_id"],
            "unit_code": g["employee__work_unit__code"],
            "unit": g["employee__work_unit__name"],
        },
    )
    return ReportData(rows=rows, totals=_totals(rows), summary=_period_summary(period))


def compliance_by_class(*, user, period: str, unit=None, employee_class=None) -> ReportData:
    """Grouped by the job class used in the computation (the class the employee held then)."""
    validate_period(period)
    qs = _filter(
        scoped_compliance(user).filter(period=period), unit=unit, employee_class=employee_class
    )
    groups = (
        qs.values("employee_class_id", "employee_class__number", "employee_class__name")
        .annotate(**_aggregates())
        .order_by("employee_class__number")
    )
    rows = _grouped_rows(
        groups,
        lambda g: {
            "class_id": g["employee_class_id"],
            "class_number": g["employee_class__number"],
            "class_name": g["employee_class__name"] or "—",
        },
    )
    return ReportData(rows=rows, totals=_totals(rows), summary=_period_summary(period))


def employee_status_qs(*, user, period: str, unit=None, employee_class=None, status=None):
    """The employee list as a values() queryset, so the screen can page it and exports read
    every row with one query."""
    validate_period(period)
    qs = _filter(
        scoped_compliance(user).filter(period=period), unit=unit, employee_class=employee_class
    )
    if status:
        qs = qs.filter(status=status)
    return qs.values(
        "employee_id",
        "tpp_ceiling",
        "shortfall",
        "status",
        nip=F("employee__nip"),
        name=F("employee__name"),
        unit=F("employee__work_unit__name"),
        class_number=F("employee_class__number"),
        required=F("required_spend"),
        verified=F("verified_spend"),
        pending=F("pending_spend"),
        deduction=F("deduction_amount"),
    ).order_by("employee__work_unit__name", "employee__name", "employee_id")


def employee_status_list(
    *, user, period: str, unit=None, employee_class=None, status=None
) -> ReportData:
    qs = employee_status_qs(
        user=user, period=period, unit=unit, employee_class=employee_class, status=status
    )
    rows = list(qs)
    labels = dict(ComplianceStatus.choices)
    for r in rows:
        r["status_label"] = labels.get(r["status"], r["status"])
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("tpp_ceiling", "required", "verified", "pending", "shortfall", "deduction")
    }
    summary = _period_summary(period)
    summary["counts"] = {
        s: sum(1 for r in rows if r["status"] == s) for s in ComplianceStatus.values
    }
    return ReportData(rows=rows, totals=totals, summary=summary)


def deduction_register(*, user, period: str, unit=None, employee_class=None) -> ReportData:
    """The deductions of a period exactly as e-TPP pulls them: rows in status final or
    acknowledged (a corrected deduction appears once, as its newest version)."""
    validate_period(period)
    qs = _filter(
        scoped_deductions(user).current().filter(period=period, status__in=REGISTER_STATUSES),
        unit=unit,
        employee_class=employee_class,
        class_field="compliance__employee_class",
    )
    rows = list(
        deduction_export_rows(
            qs,
            "period",
            "etpp_reference",
            "applied_amount",
            "applied_at",
            unit=F("employee__work_unit__name"),
        ).order_by("employee__nip", "version")
    )
    labels = dict(DeductionStatus.choices)
    modes = dict(SanctionMode.choices)
    for r in rows:
        r["status_label"] = labels.get(r["status"], r["status"])
        # The rule's sanction in words, never its code (issue 13).
        r["sanction_mode"] = modes.get(r["sanction_mode"], r["sanction_mode"])
    totals = {
        "deduction_amount": sum(r["deduction_amount"] for r in rows),
        "applied_amount": sum(r["applied_amount"] or 0 for r in rows),
        "rows": len(rows),
    }
    summary = _period_summary(period)
    summary.update(
        {
            "rows": len(rows),
            "with_deduction": sum(1 for r in rows if r["deduction_amount"] > 0),
            "acknowledged": sum(1 for r in rows if r["status"] == DeductionStatus.ACKNOWLEDGED),
            "total": totals["deduction_amount"],
        }
    )
    return ReportData(rows=rows, totals=totals, summary=summary)


def monthly_trend(
    *, user, period_from: str, period_to: str, unit=None, employee_class=None
) -> ReportData:
    """Spend, compliance and deductions per month: three aggregate queries over the range."""
    periods = period_range(period_from, period_to)
    spend = spend_trend(
        user=user,
        period_from=periods[0],
        period_to=periods[-1],
        unit=unit,
        employee_class=employee_class,
    )
    comp = _filter(
        scoped_compliance(user).filter(period__in=periods), unit=unit, employee_class=employee_class
    )
    comp_by = {
        g["period"]: g
        for g in comp.values("period").annotate(
            employees=Count("id"),
            compliant=Count("id", filter=COMPLIANT),
            below_target=Count("id", filter=SHORTFALL),
            exempt=Count("id", filter=EXEMPT),
            computed_deductions=Sum("deduction_amount"),
        )
    }
    ded = _filter(
        scoped_deductions(user).filter(period__in=periods, status__in=REGISTER_STATUSES),
        unit=unit,
        employee_class=employee_class,
        class_field="compliance__employee_class",
    )
    ded_by = {
        g["period"]: g
        for g in ded.values("period").annotate(
            deductions=Sum("deduction_amount"),
            deduction_count=Count("id", filter=Q(deduction_amount__gt=0)),
        )
    }
    rows = []
    for row in spend.rows:
        c = comp_by.get(row["period"], {})
        d = ded_by.get(row["period"], {})
        employees, compliant, exempt = (
            c.get("employees", 0),
            c.get("compliant", 0),
            c.get("exempt", 0),
        )
        row.update(
            {
                "employees": employees,
                "compliant": compliant,
                "below_target": c.get("below_target", 0),
                "exempt": exempt,
                "compliance_rate": compliance_rate(compliant, employees, exempt),
                "computed_deductions": as_int(c.get("computed_deductions")),
                "deductions": as_int(d.get("deductions")),
                "deduction_count": d.get("deduction_count", 0),
            }
        )
        rows.append(row)
    totals = dict(spend.totals)
    totals.update(
        {
            "deductions": sum(r["deductions"] for r in rows),
            "deduction_count": sum(r["deduction_count"] for r in rows),
            "computed_deductions": sum(r["computed_deductions"] for r in rows),
        }
    )
    return ReportData(rows=rows, totals=totals, summary={"periods": periods})


def latest_computed_period(*, user, up_to: str) -> str | None:
    return scoped_compliance(user).filter(period__lte=up_to).aggregate(p=Max("period"))["p"]


def employee_statement(*, user, employee_id: int, period: str) -> dict:
    """An employee's monthly statement for a report reader (admin, verifier, the employee's unit
    operator). Four queries."""
    validate_period(period)
    employee = (
        scoped_employees(user)
        .select_related("work_unit", "employee_class")
        .filter(pk=employee_id)
        .first()
    )
    if employee is None:
        raise PermissionDeniedError(MSG_EMPLOYEE_NOT_VISIBLE)
    return statement_for(employee=employee, period=period)


def statement_for(*, employee, period: str) -> dict:
    """Everything on an employee's monthly statement: the employee, their result and deduction
    for the period, and their purchases of the period. The caller has checked that the reader
    may see this employee (report scoping, or the employee themself in the portal)."""
    validate_period(period)
    compliance = (
        MonthlyCompliance.objects.filter(employee=employee, period=period)
        .select_related("employee_class")
        .first()
    )
    deduction = TppDeduction.objects.filter(employee=employee, period=period).current().first()
    purchases = list(
        Purchase.objects.filter(employee=employee, period=period)
        .exclude(status__in=state_codes(PURCHASE, "is_initial"))
        .annotate(counts_verified=ExpressionWrapper(verified_q(), output_field=BooleanField()))
        .select_related("merchant", "category")
        .order_by("purchased_at", "id")
    )
    verified = sum(p.amount for p in purchases if p.counts_verified)
    return {
        "employee": employee,
        "period": period,
        "compliance": compliance,
        "deduction": deduction,
        "purchases": purchases,
        "verified_total": verified,
        "purchases_total": sum(p.amount for p in purchases),
    }
