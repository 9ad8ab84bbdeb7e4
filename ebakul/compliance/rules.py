"""Spending rules as versions (ADR 0105).

A rule that a computed or locked period used is history: it is never edited again. A change of
policy is a NEW rule (a version) effective from a date that is never earlier than the first day
of the first open period, so no result that an employee has already been shown changes under
them. Before a version is saved the desk shows its impact (``impact_preview``), computed by the
same engine as the close and written nowhere.

The rate is entered as a percentage ("10", "7,5") and stored as basis points. A rule without a
typed name gets one generated in Indonesian from its numbers.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.errors import DomainError, PermissionDeniedError
from ebakul.core.history import set_history_user
from ebakul.core.money import format_rupiah
from ebakul.core.periods import next_period, period_first_day, period_last_day, period_of

from .models import (
    ComplianceEvent,
    MonthlyCompliance,
    Period,
    PeriodStatus,
    SpendingRule,
    SpendingRuleClassAmount,
)

MSG_NOT_ADMIN = _("Only an eBakul administrator may do this.")
MSG_RULE_IN_USE = _(
    "This rule was used for period %(periods)s and can no longer be changed. Create a new "
    "version effective from %(first)s or later instead."
)
MSG_BACKDATED = _(
    "A new rule version cannot take effect before %(first)s: period %(period)s is already "
    "computed or locked with the rule in force."
)
MSG_RATE_FORMAT = _("Enter the rate as a percentage, for example 10 or 7,5.")
MSG_RATE_RANGE = _(
    "The rate must be a percentage above 0 and at most 100, with at most two decimals."
)
MSG_DATE_TAKEN = _("Another rule version already takes effect on %(date)s.")

RULE_FIELDS = (
    "effective_from",
    "name",
    "note",
    "rate_bp",
    "floor_amount",
    "rounding_mode",
    "rounding_unit",
    "sanction_mode",
    "proportional_cap_bp",
    "submission_close_day",
    "verification_close_day",
    "appeal_close_day",
    "close_time",
)
_PERCENT_RE = re.compile(r"^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$")


# --- The rate as a percentage ------------------------------------------------------------------


def percent_to_bp(value) -> int:
    """``"7,5"``, ``"10"``, ``Decimal("7.5")`` → 750, 1000, 750 basis points. More than two
    decimals, zero, or more than 100% are refused."""
    if isinstance(value, Decimal | int | float):
        try:
            d = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError(MSG_RATE_FORMAT, code="rate_format") from exc
    else:
        match = _PERCENT_RE.match(str(value or ""))
        if not match:
            raise ValidationError(MSG_RATE_FORMAT, code="rate_format")
        d = Decimal(f"{match.group(1)}.{match.group(2) or '0'}")
    bp = d * 100
    if bp != bp.to_integral_value() or not 0 < bp <= 10_000:
        raise ValidationError(MSG_RATE_RANGE, code="rate_range")
    return int(bp)


def bp_to_percent(bp: int) -> str:
    """750 → ``"7,5"``; 1000 → ``"10"`` (Indonesian decimal comma)."""
    text = f"{Decimal(bp) / 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --- Names ---------------------------------------------------------------------------------


def indonesian_date(day: dt.date) -> str:
    with translation.override("id"):
        return formats.date_format(day, "j F Y")


def indonesian_month(period: str) -> str:
    """``"2026-11"`` → ``"November 2026"``."""
    with translation.override("id"):
        return formats.date_format(period_first_day(period), "F Y")


def generated_name(rule: SpendingRule) -> str:
    """The rule's numbers in Indonesian: "10% dari pagu TPP, minimal Rp300.000, sejak
    1 Desember 2026" (the name of a stored configuration row, so written in Indonesian)."""
    text = f"{bp_to_percent(rule.rate_bp)}% dari pagu TPP"
    if rule.floor_amount:
        text += f", minimal {format_rupiah(rule.floor_amount)}"
    if rule.effective_from:
        text += f", sejak {indonesian_date(rule.effective_from)}"
    return text


# --- Which rules and dates are free --------------------------------------------------------


def _closed_periods():
    return Period.objects.filter(status__in=[PeriodStatus.COMPUTED, PeriodStatus.LOCKED])


def first_open_period() -> str | None:
    """The month after the latest computed or locked period (None when none is)."""
    latest = _closed_periods().order_by("-period").values_list("period", flat=True).first()
    return next_period(latest) if latest else None


def earliest_new_version_date() -> dt.date | None:
    first = first_open_period()
    return period_first_day(first) if first else None


def periods_using(rule: SpendingRule) -> list[str]:
    """Computed or locked periods whose results were made with ``rule``."""
    if rule.pk is None:
        return []
    periods = set(_closed_periods().filter(rule=rule).values_list("period", flat=True))
    periods |= set(
        MonthlyCompliance.objects.filter(rule=rule).values_list("period", flat=True).distinct()
    )
    return sorted(periods)


def rule_in_use(rule: SpendingRule) -> bool:
    return bool(periods_using(rule))


# --- Services ------------------------------------------------------------------------------


def _require_admin(actor) -> None:
    if actor is not None and not roles.is_admin(actor):
        raise PermissionDeniedError(MSG_NOT_ADMIN)


def backdated_message() -> str:
    earliest = earliest_new_version_date()
    latest = _closed_periods().order_by("-period").values_list("period", flat=True).first()
    return str(
        MSG_BACKDATED % {"first": indonesian_date(earliest), "period": indonesian_month(latest)}
    )


def _check_date(effective_from: dt.date, *, exclude_pk=None) -> None:
    earliest = earliest_new_version_date()
    if earliest and effective_from < earliest:
        raise DomainError(backdated_message(), field="effective_from", code="rule_backdated")
    if SpendingRule.objects.filter(effective_from=effective_from).exclude(pk=exclude_pk).exists():
        raise DomainError(
            MSG_DATE_TAKEN % {"date": indonesian_date(effective_from)},
            field="effective_from",
            code="rule_date_taken",
        )


def _apply_values(rule: SpendingRule, values: dict) -> None:
    values = dict(values)
    if "rate_percent" in values:
        percent = values.pop("rate_percent")
        if percent is not None and percent != "":
            try:
                values["rate_bp"] = percent_to_bp(percent)
            except ValidationError as exc:
                raise ValidationError({"rate_bp": exc.messages}) from exc
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(rule, name, value)


def _set_class_amounts(rule: SpendingRule, class_amounts) -> None:
    if class_amounts is None:
        return
    SpendingRuleClassAmount.objects.filter(rule=rule).delete()
    for class_id, amount in dict(class_amounts).items():
        SpendingRuleClassAmount.objects.create(
            rule=rule, employee_class_id=class_id, fixed_amount=amount
        )


@transaction.atomic
def rule_create(*, actor, class_amounts=None, **values) -> SpendingRule:
    """A new rule version. ``rate_percent`` ("7,5") may be given instead of ``rate_bp``;
    ``class_amounts`` is {job class id: fixed minimum}. Refused when it would take effect
    before the first open period."""
    _require_admin(actor)
    rule = SpendingRule()
    _apply_values(rule, values)
    if not rule.effective_from:
        raise ValidationError({"effective_from": [_("This field is required.")]})
    _check_date(rule.effective_from)
    if not (rule.name or "").strip():
        rule.name = generated_name(rule)
    rule.full_clean()
    set_history_user(rule, actor)
    rule.save()
    _set_class_amounts(rule, class_amounts)
    ComplianceEvent.objects.create(
        kind="rule_created",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data={"rule": rule.pk, "effective_from": str(rule.effective_from), "name": rule.name},
    )
    return rule


@transaction.atomic
def rule_update(*, rule: SpendingRule, actor, class_amounts=None, **values) -> SpendingRule:
    """Edit a rule that no computed or locked period has used yet; refused otherwise (the
    change must be a new version). A generated name follows the new numbers."""
    _require_admin(actor)
    locked = SpendingRule.objects.select_for_update().get(pk=rule.pk)
    used = periods_using(locked)
    if used:
        earliest = earliest_new_version_date()
        raise DomainError(
            MSG_RULE_IN_USE
            % {
                "periods": ", ".join(indonesian_month(p) for p in used),
                "first": indonesian_date(earliest) if earliest else "-",
            },
            code="rule_in_use",
        )
    old_name = locked.name
    was_generated = not old_name.strip() or old_name == generated_name(locked)
    _apply_values(locked, values)
    if "effective_from" in values:
        _check_date(locked.effective_from, exclude_pk=locked.pk)
    if not (locked.name or "").strip() or (was_generated and locked.name == old_name):
        locked.name = generated_name(locked)
    locked.full_clean()
    set_history_user(locked, actor)
    locked.save()
    _set_class_amounts(locked, class_amounts)
    ComplianceEvent.objects.create(
        kind="rule_updated",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data={"rule": locked.pk, "fields": sorted(values)},
    )
    return locked


# --- Impact preview (reads only) -----------------------------------------------------------


def impact_preview(*, class_amounts=None, **values) -> dict:
    """What a rule with ``values`` would give for the first period it governs, next to the
    rule in force there now: employees short and total deductions. Uses the engine of the
    close and writes nothing (no rule, no period row, no result)."""
    from . import engine
    from .selectors import default_calendar

    rule = SpendingRule()
    _apply_values(rule, values)
    period = period_of(rule.effective_from)
    stored = Period.objects.filter(period=period).first()
    p = stored or Period(period=period, **default_calendar(period))
    new_rows = engine.evaluate(period=p, rule=rule, class_fixed=dict(class_amounts or {}))
    current = engine.rule_for_period(period)
    cur_rows = engine.evaluate(period=p, rule=current) if current else []

    def summary(rows):
        return {
            "shortfall": sum(1 for r in rows if r.status == engine.SHORTFALL),
            "total": sum(r.deduction_amount for r in rows),
            "employees": len(rows),
        }

    new, cur = summary(new_rows), summary(cur_rows)
    text = _(
        "With this rule for %(month)s: %(n)s employees short, total deductions %(total)s; "
        "with the rule in force: %(m)s, %(cur_total)s."
    ) % {
        "month": indonesian_month(period),
        "n": new["shortfall"],
        "total": format_rupiah(new["total"]),
        "m": cur["shortfall"],
        "cur_total": format_rupiah(cur["total"]),
    }
    return {
        "period": period,
        "new": new,
        "current": cur,
        "current_rule": current.pk if current else None,
        "text": str(text),
        "last_day": period_last_day(period),
    }
