"""The outcome of a compliance job in plain Indonesian (never a raw dict): what the period
control page and the desk messages show (ADR 0100)."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ebakul.core.money import format_rupiah

from .models import JobRun, JobRunStatus

TRACEBACK_LIKE = re.compile(r"^[A-Za-z_.]*(Error|Exception|Interrupt)\b")


def _counts(stats: dict) -> str:
    return _(
        "%(employees)s employees: %(compliant)s compliant, %(shortfall)s short, "
        "%(exempt)s exempt; total deductions %(total)s."
    ) % {
        "employees": stats.get("employees", 0),
        "compliant": stats.get("compliant", 0),
        "shortfall": stats.get("shortfall", 0),
        "exempt": stats.get("exempt", 0),
        "total": format_rupiah(stats.get("deduction_total", 0)),
    }


def describe_stats(job: str, stats: dict) -> str:
    period = stats.get("period", "")
    if stats.get("simulation"):
        return " ".join(
            [
                _("Estimate (simulation) of period %(period)s:") % {"period": period},
                _counts(stats),
                _("Nothing was stored: employees, reports and e-TPP do not see an estimate."),
            ]
        )
    if stats.get("already_locked"):
        return _("Period %(period)s was already locked; nothing changed.") % {"period": period}
    if "finalised" in stats:
        changed = stats.get("changed_since_compute", 0)
        parts = [
            _("Period %(period)s was recomputed from the latest facts and locked:")
            % {"period": period},
            _counts(stats),
            ngettext(
                "%(n)s deduction became final and visible to e-TPP.",
                "%(n)s deductions became final and visible to e-TPP.",
                stats.get("finalised", 0),
            )
            % {"n": stats.get("finalised", 0)},
        ]
        if changed:
            parts.append(
                ngettext(
                    "%(n)s employee's result changed since the compute; they were notified "
                    "with the old and the new figure.",
                    "%(n)s employees' results changed since the compute; they were notified "
                    "with the old and the new figure.",
                    changed,
                )
                % {"n": changed}
            )
        else:
            parts.append(_("No result changed since the compute."))
        return " ".join(parts)
    return " ".join(
        [
            _("Period %(period)s was computed:") % {"period": period},
            _counts(stats),
            _("Employees now see their result and draft deduction; appeals are open."),
        ]
    )


def describe_run(run: JobRun) -> str:
    if run.status == JobRunStatus.RUNNING:
        return _("Still running, started at %(time)s WIB.") % {
            "time": run.started_at.astimezone(_wib()).strftime("%H:%M:%S")
        }
    if run.status in (JobRunStatus.FAILED, JobRunStatus.REFUSED):
        if TRACEBACK_LIKE.match(run.message or ""):
            return _(
                "Not done: an unexpected error stopped the run; nothing was changed. The "
                "technical details are in the job log."
            )
        return _("Not done: %(reason)s") % {"reason": run.message}
    return describe_stats(run.job, {"period": run.period, **(run.stats or {})})


def _wib():
    from ebakul.core.periods import WIB

    return WIB
