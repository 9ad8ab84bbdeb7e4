"""The catalogue of reports: for each, its filters, the selector it calls, the columns of its
table (screen and exports alike) and its chart. Views and exports are generic over these."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import charts, forms
from . import selectors as rs


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | money | pct | decimal | bool | period | datetime


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    description: str
    form_class: type
    run: Callable  # (user, cleaned_data) -> ReportData
    columns: tuple[Column, ...]
    chart: Callable | None = None  # (ReportData) -> SafeString
    figures: Callable | None = None  # (ReportData) -> list[(label, value, kind)]
    page_size: int | None = None
    icon: str = "analytics"
    group: str = "purchases"
    extra: dict = field(default_factory=dict)


def _opt(data, key):
    return data.get(key) or None


# --- consumption map -----------------------------------------------------------------------
def _run_consumption(user, data):
    return rs.consumption_map(
        user=user,
        period=data["period"],
        category=_opt(data, "category"),
        kecamatan=_opt(data, "kecamatan"),
        unit=_opt(data, "unit"),
        status=data.get("status") or "verified",
    )


def _chart_consumption(report):
    cells = {(r["kecamatan"], r["category"]): r["spend"] for r in report.rows if r["spend"]}
    return charts.heat_table(cells, row_label=str(_("Kecamatan")), total_label=str(_("Total")))


def _figures_consumption(report):
    t = report.totals
    return [
        (_("Spend"), t["spend"], "money"),
        (_("Purchases"), t["purchases"], "int"),
        (_("Previous month"), t["prev_spend"], "money"),
        (_("Month-on-month change"), t["change_pct"], "pct_change"),
    ]


CONSUMPTION_MAP = Report(
    slug="consumption-map",
    title=_("Consumption map"),
    description=_(
        "Spend and number of purchases by category and kecamatan, with the change against "
        "the previous month."
    ),
    form_class=forms.ConsumptionMapForm,
    run=_run_consumption,
    columns=(
        Column("category", _("Category")),
        Column("kecamatan", _("Kecamatan")),
        Column("purchases", _("Purchases"), "int"),
        Column("buyers", _("Buyers"), "int"),
        Column("spend", _("Spend (Rp)"), "money"),
        Column("share_pct", _("Share (%)"), "pct"),
        Column("prev_purchases", _("Purchases, previous month"), "int"),
        Column("prev_spend", _("Spend, previous month (Rp)"), "money"),
        Column("change", _("Change (Rp)"), "money"),
        Column("change_pct", _("Change (%)"), "pct"),
    ),
    chart=_chart_consumption,
    figures=_figures_consumption,
    icon="map",
    extra={"map": True},
)


# --- merchants -----------------------------------------------------------------------------
def _run_merchants(user, data):
    return rs.merchant_ranking(
        user=user,
        period=data["period"],
        category=_opt(data, "category"),
        kecamatan=_opt(data, "kecamatan"),
        unit=_opt(data, "unit"),
        limit=int(data.get("limit") or 0) or None,
    )


def _chart_merchants(report):
    items = [(r["business_name"], r["sales"]) for r in report.rows[:10]]
    return charts.hbar_chart(items, title=str(_("Top 10 merchants by sales")), color="#0ea5e9")


def _figures_merchants(report):
    s = report.summary
    return [
        (_("Merchants with sales"), s["merchants"], "int"),
        (_("Total sales"), s["total_sales"], "money"),
        (_("Share of the top 10"), s["top10_share_pct"], "pct"),
        (_("Herfindahl index (0–10,000)"), s["hhi"], "decimal"),
        (_("New merchants"), s["new_merchants"], "int"),
        (_("Sales of new merchants"), s["new_merchant_sales"], "money"),
    ]


MERCHANTS = Report(
    slug="merchants",
    title=_("Merchants"),
    description=_(
        "Merchants ranked by verified sales, market concentration (share of the top 10, "
        "Herfindahl index) and new merchants."
    ),
    form_class=forms.MerchantsForm,
    run=_run_merchants,
    columns=(
        Column("rank", _("Rank"), "int"),
        Column("document_number", _("Document number")),
        Column("business_name", _("Business name")),
        Column("category", _("Category")),
        Column("kecamatan", _("Kecamatan")),
        Column("purchases", _("Purchases"), "int"),
        Column("buyers", _("Buyers"), "int"),
        Column("sales", _("Sales (Rp)"), "money"),
        Column("share_pct", _("Share (%)"), "pct"),
        Column("is_new", _("New"), "bool"),
    ),
    chart=_chart_merchants,
    figures=_figures_merchants,
    icon="storefront",
)


# --- monthly trend -------------------------------------------------------------------------
def _run_trend(user, data):
    return rs.monthly_trend(
        user=user,
        period_from=data["period_from"],
        period_to=data["period_to"],
        unit=_opt(data, "unit"),
        employee_class=_opt(data, "employee_class"),
    )


def _has_data(row) -> bool:
    return any(row.get(k) for k in ("verified_spend", "pending_spend", "employees", "deductions"))


def _month_short(period: str) -> str:
    from django.utils.formats import date_format

    from ebakul.core.periods import period_first_day

    return date_format(period_first_day(period), "M Y")


def _chart_trend(report):
    # Only months with data (ADR 0152): an empty run of months says nothing and squeezes the
    # rest; short month names ("Nov 2026") keep the axis readable.
    rows = [r for r in report.rows if _has_data(r)]
    if not rows:
        return ""
    labels = [_month_short(r["period"]) for r in rows]
    every = max(1, -(-len(rows) // 12))
    spend = charts.column_chart(
        labels,
        [
            (str(_("Verified spend")), [r["verified_spend"] for r in rows]),
            (str(_("Deductions")), [r.get("deductions", 0) for r in rows]),
        ],
        title=str(_("Spend and deductions per month")),
        label_every=every,
    )
    rate = charts.line_chart(
        labels,
        [(str(_("Compliance rate")), [r.get("compliance_rate") for r in rows])],
        title=str(_("Compliance rate per month")),
        top=100,
        label_every=every,
    )
    return spend + rate


def _figures_trend(report):
    t = report.totals
    return [
        (_("Verified spend"), t["verified_spend"], "money"),
        (_("Verified purchases"), t["verified_purchases"], "int"),
        (_("Deductions"), t.get("deductions", 0), "money"),
    ]


TREND = Report(
    slug="monthly-trend",
    title=_("Monthly trend"),
    description=_("Spend, compliance and deductions month by month."),
    form_class=forms.TrendForm,
    run=_run_trend,
    columns=(
        Column("period", _("Period"), "period"),
        Column("verified_spend", _("Verified spend (Rp)"), "money"),
        Column("verified_purchases", _("Verified purchases"), "int"),
        Column("buyers", _("Buyers"), "int"),
        Column("merchants", _("Merchants"), "int"),
        Column("pending_spend", _("Waiting spend (Rp)"), "money"),
        Column("employees", _("Employees assessed"), "int"),
        Column("compliant", _("Compliant"), "int"),
        Column("below_target", _("Below target"), "int"),
        Column("compliance_rate", _("Compliance rate (%)"), "pct"),
        Column("deductions", _("Deductions (Rp)"), "money"),
        Column("deduction_count", _("Deductions (count)"), "int"),
    ),
    chart=_chart_trend,
    figures=_figures_trend,
    icon="trending_up",
)


# --- compliance ----------------------------------------------------------------------------
def _run_by_unit(user, data):
    return rs.compliance_by_unit(
        user=user,
        period=data["period"],
        unit=_opt(data, "unit"),
        employee_class=_opt(data, "employee_class"),
    )


def _run_by_class(user, data):
    return rs.compliance_by_class(
        user=user,
        period=data["period"],
        unit=_opt(data, "unit"),
        employee_class=_opt(data, "employee_class"),
    )


def _figures_compliance(report):
    t = report.totals
    return [
        (_("Employees assessed"), t["employees"], "int"),
        (_("Compliance rate"), t["compliance_rate"], "pct"),
        (_("Below target"), t["below_target"], "int"),
        (_("Verified spend"), t["verified"], "money"),
        (_("Shortfall"), t["shortfall"], "money"),
        (_("Computed deductions"), t["deductions"], "money"),
    ]


def _chart_rate(label_key):
    def chart(report):
        items = [(r[label_key], r["compliance_rate"] or 0) for r in report.rows]
        items.sort(key=lambda kv: kv[1])
        return charts.hbar_chart(
            items,
            title=str(_("Compliance rate")),
            fmt=lambda v: f"{float(v):.1f}%".replace(".", ","),
            limit=40,
            color="#10b981",
            top=100,
        )

    return chart


COMPLIANCE_COLUMNS = (
    Column("employees", _("Employees"), "int"),
    Column("compliant", _("Compliant"), "int"),
    Column("below_target", _("Below target"), "int"),
    Column("exempt", _("Exempt"), "int"),
    Column("compliance_rate", _("Compliance rate (%)"), "pct"),
    Column("required", _("Required (Rp)"), "money"),
    Column("verified", _("Verified (Rp)"), "money"),
    Column("pending", _("Waiting (Rp)"), "money"),
    Column("shortfall", _("Shortfall (Rp)"), "money"),
    Column("deductions", _("Computed deduction (Rp)"), "money"),
)

BY_UNIT = Report(
    slug="compliance-by-unit",
    title=_("Compliance by work unit"),
    description=_("Who met the monthly minimum, unit by unit, with shortfalls and deductions."),
    form_class=forms.ComplianceForm,
    run=_run_by_unit,
    columns=(Column("unit_code", _("Code")), Column("unit", _("Work unit")), *COMPLIANCE_COLUMNS),
    chart=_chart_rate("unit_code"),
    figures=_figures_compliance,
    icon="domain",
    group="compliance",
)

BY_CLASS = Report(
    slug="compliance-by-class",
    title=_("Compliance by job class"),
    description=_("Who met the monthly minimum, by job class (kelas jabatan)."),
    form_class=forms.ComplianceForm,
    run=_run_by_class,
    columns=(
        Column("class_number", _("Class"), "int"),
        Column("class_name", _("Job class")),
        *COMPLIANCE_COLUMNS,
    ),
    chart=_chart_rate("class_name"),
    figures=_figures_compliance,
    icon="stairs",
    group="compliance",
)


def _run_employees(user, data):
    return rs.employee_status_list(
        user=user,
        period=data["period"],
        unit=_opt(data, "unit"),
        employee_class=_opt(data, "employee_class"),
        status=_opt(data, "status"),
    )


def _figures_employees(report):
    counts = report.summary["counts"]
    return [
        (_("Employees"), len(report.rows), "int"),
        (_("Compliant"), counts.get("compliant", 0), "int"),
        (_("Below target"), counts.get("shortfall", 0), "int"),
        (_("Exempt"), counts.get("exempt", 0), "int"),
        (_("Shortfall"), report.totals["shortfall"], "money"),
    ]


EMPLOYEES = Report(
    slug="employees",
    title=_("Employees and their status"),
    description=_("Every assessed employee with required, verified and waiting spend."),
    form_class=forms.EmployeeStatusForm,
    run=_run_employees,
    columns=(
        Column("nip", _("NIP")),
        Column("name", _("Name")),
        Column("unit", _("Work unit")),
        Column("class_number", _("Class"), "int"),
        Column("tpp_ceiling", _("TPP ceiling (Rp)"), "money"),
        Column("required", _("Required (Rp)"), "money"),
        Column("verified", _("Verified (Rp)"), "money"),
        Column("pending", _("Waiting (Rp)"), "money"),
        Column("shortfall", _("Shortfall (Rp)"), "money"),
        Column("status_label", _("Status")),
        Column("deduction", _("Computed deduction (Rp)"), "money"),
    ),
    figures=_figures_employees,
    page_size=100,
    icon="badge",
    group="compliance",
    extra={"statement_link": True},
)


def _run_register(user, data):
    return rs.deduction_register(
        user=user,
        period=data["period"],
        unit=_opt(data, "unit"),
        employee_class=_opt(data, "employee_class"),
    )


def _figures_register(report):
    s = report.summary
    return [
        (_("Rows for e-TPP"), s["rows"], "int"),
        (_("With a deduction"), s["with_deduction"], "int"),
        (_("Acknowledged by e-TPP"), s["acknowledged"], "int"),
        (_("Total deduction"), s["total"], "money"),
    ]


REGISTER = Report(
    slug="deduction-register",
    title=_("Deduction register"),
    description=_(
        "The TPP deductions of a period exactly as e-TPP pulls them: final and acknowledged rows."
    ),
    form_class=forms.DeductionRegisterForm,
    run=_run_register,
    columns=(
        Column("nip", _("NIP")),
        Column("name", _("Name")),
        Column("unit_code", _("Unit code")),
        Column("unit", _("Work unit")),
        Column("employee_class", _("Class"), "int"),
        Column("period", _("Period"), "period"),
        Column("version", _("Version"), "int"),
        Column("sanction_mode", _("Sanction mode")),
        Column("tpp_ceiling", _("TPP ceiling (Rp)"), "money"),
        Column("required_spend", _("Required (Rp)"), "money"),
        Column("verified_spend", _("Verified (Rp)"), "money"),
        Column("shortfall", _("Shortfall (Rp)"), "money"),
        Column("deduction_amount", _("Deduction (Rp)"), "money"),
        Column("status_label", _("Status")),
        Column("etpp_reference", _("e-TPP reference")),
        Column("applied_amount", _("Applied amount (Rp)"), "money"),
        Column("applied_at", _("Applied at"), "datetime"),
    ),
    figures=_figures_register,
    page_size=100,
    icon="receipt_long",
    group="compliance",
)

REPORTS = (BY_UNIT, BY_CLASS, EMPLOYEES, TREND, REGISTER, CONSUMPTION_MAP, MERCHANTS)
REPORTS_BY_SLUG = {r.slug: r for r in REPORTS}
