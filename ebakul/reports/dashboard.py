"""The desk dashboard: ``UNFOLD["DASHBOARD_CALLBACK"]`` points here. It adds the current
period's figures and charts to the admin index context for readers of reports."""

from django.utils.translation import gettext as _

from ebakul.core.money import format_rupiah

from . import charts
from .access import can_read_reports
from .definitions import REPORTS
from .formatting import display
from .selectors import dashboard_figures


def dashboard_context(user, period: str | None = None) -> dict:
    figures = dashboard_figures(user=user, period=period)
    compliance = figures["compliance"]
    daily = figures["daily"]
    return {
        "dashboard": figures,
        "dashboard_cards": _cards(figures, compliance),
        "dashboard_daily_chart": charts.column_chart(
            [str(day.day) for day, _v in daily],
            [(_("Verified spend"), [v for _d, v in daily])],
            title=_("Verified spend per day"),
            label_every=2,
            width=460,
        ),
        "dashboard_category_chart": charts.hbar_chart(
            figures["by_category"], title=_("Verified spend by category"), width=460
        ),
        "dashboard_reports": REPORTS,
    }


def _cards(figures, compliance) -> list[dict]:
    if compliance:
        rate_note = _("period %(period)s · %(compliant)s of %(employees)s employees") % {
            "period": compliance["period"],
            "compliant": display(compliance["compliant"], "int"),
            "employees": display(compliance["employees"] - compliance["exempt"], "int"),
        }
        below_note = _("shortfall %(amount)s") % {"amount": format_rupiah(compliance["shortfall"])}
    else:
        rate_note = below_note = _("not computed yet")
    return [
        {
            "key": "compliance_rate",
            "label": _("Compliance rate"),
            "value": display(compliance["rate"], "pct") if compliance else "—",
            "note": rate_note,
            "icon": "verified",
        },
        {
            "key": "verified_spend",
            "label": _("Verified spend"),
            "value": format_rupiah(figures["verified_spend"]),
            "note": _("%(count)s purchases by %(buyers)s employees")
            % {
                "count": display(figures["verified_purchases"], "int"),
                "buyers": display(figures["buyers"], "int"),
            },
            "icon": "payments",
        },
        {
            "key": "below_target",
            "label": _("Employees below target"),
            "value": display(compliance["below_target"], "int") if compliance else "—",
            "note": below_note,
            "icon": "trending_down",
            "warn": bool(compliance and compliance["below_target"]),
        },
        {
            "key": "waiting",
            "label": _("Waiting for verification"),
            "value": display(figures["waiting"], "int"),
            "note": format_rupiah(figures["waiting_spend"]),
            "icon": "pending_actions",
            "warn": bool(figures["waiting"]),
        },
        {
            "key": "active_merchants",
            "label": _("Active merchants"),
            "value": display(figures["active_merchants"], "int"),
            "note": _("with sales this period, of %(count)s verified")
            % {"count": display(figures["verified_merchants"], "int")},
            "icon": "storefront",
        },
    ]


def dashboard_callback(request, context):
    if can_read_reports(request.user):
        context.update(dashboard_context(request.user))
    return context
