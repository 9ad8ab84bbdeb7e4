"""The desk sidebar: the programme's daily work first, then every application's models.

A wiring module (like settings and urls): it sits outside the layers and may name every app."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.reports.access import can_read_demand_insights, can_read_reports


def _can_read_reports(request) -> bool:
    return can_read_reports(request.user)


def _can_read_demand_insights(request) -> bool:
    return can_read_demand_insights(request.user)


def _can_work_queues(request) -> bool:
    return roles.has_role(request.user, roles.VERIFIER) or roles.is_admin(request.user)


def _is_admin(request) -> bool:
    return roles.is_admin(request.user)


def _model(app_model: str, title, icon: str) -> dict:
    app, model = app_model.split(".")
    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy(f"admin:{app}_{model}_changelist"),
        "permission": lambda request: request.user.has_perm(f"{app}.view_{model}"),
    }


def _report(slug: str, title, icon: str) -> dict:
    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy("reports:report", kwargs={"slug": slug}),
        "permission": "ebakul.navigation._can_read_reports",
    }


SIDEBAR = {
    "show_search": True,
    "show_all_applications": True,
    "navigation": [
        {
            "title": _("Daily work"),
            "items": [
                {
                    "title": _("Dashboard"),
                    "icon": "dashboard",
                    "link": reverse_lazy("admin:index"),
                },
                {
                    "title": _("My tasks"),
                    "icon": "inbox",
                    "link": reverse_lazy("admin:workflow_mytask_changelist"),
                    "permission": "ebakul.navigation._can_work_queues",
                },
                _model("purchases.purchase", _("Purchases"), "shopping_cart"),
                _model("merchants.umkmmerchant", _("Merchants"), "storefront"),
                _model("employees.employee", _("Employees (ASN)"), "groups"),
                _model("compliance.period", _("Periods"), "calendar_month"),
                {
                    "title": _("Period control"),
                    "icon": "event_available",
                    "link": reverse_lazy("admin:compliance_period_control_current"),
                    "permission": "ebakul.navigation._is_admin",
                },
                _model("compliance.tppdeduction", _("TPP deductions"), "payments"),
                _model("compliance.appeal", _("Appeals"), "gavel"),
                {
                    "title": _("Marketplace moderation"),
                    "icon": "storefront",
                    "link": reverse_lazy("marketplace_desk:listings"),
                    "permission": "ebakul.navigation._can_work_queues",
                },
            ],
        },
        {
            "title": _("Reports"),
            "collapsible": True,
            "items": [
                _report("compliance-by-unit", _("Compliance by work unit"), "domain"),
                _report("compliance-by-class", _("Compliance by job class"), "stairs"),
                _report("employees", _("Employees and their status"), "badge"),
                _report("monthly-trend", _("Monthly trend"), "trending_up"),
                _report("deduction-register", _("Deduction register"), "receipt_long"),
                _report("consumption-map", _("Consumption map"), "map"),
                _report("merchants", _("Merchants"), "storefront"),
                {
                    "title": _("New business potential"),
                    "icon": "lightbulb",
                    "link": reverse_lazy("reports:demand"),
                    "permission": "ebakul.navigation._can_read_demand_insights",
                },
            ],
        },
    ],
}
