"""Pure arithmetic of the monthly minimum and the deduction: integers in, integers out.

No database access here, so every rule of ADR 0031 can be unit-tested by hand-computed cases.
"""

import datetime as dt
from dataclasses import dataclass

BP = 10_000  # basis points in one whole


@dataclass(frozen=True)
class RuleParams:
    rate_bp: int
    floor_amount: int
    rounding_mode: str  # none | up | nearest | down
    rounding_unit: int
    sanction_mode: str  # shortfall | proportional | withhold
    proportional_cap_bp: int


def _div_round(num: int, den: int, mode: str, unit: int) -> int:
    """``num / den`` rounded to a multiple of ``unit`` (``none`` = up to the whole rupiah, since
    the minimum is "at least" the share)."""
    if mode == "none":
        mode, unit = "up", 1
    unit = max(unit, 1)
    den_u = den * unit
    if mode == "down":
        q = num // den_u
    elif mode == "nearest":
        q = (2 * num + den_u) // (2 * den_u)
    else:  # up
        q = -(-num // den_u)
    return q * unit


def required_amount(
    *,
    params: RuleParams,
    tpp_ceiling: int,
    fixed_amount: int | None,
    counted_days: int,
    period_days: int,
) -> int:
    """Fixed amount for the class when set, else max(floor, rate × ceiling); pro-rated by the
    counted days; then rounded. One exact fraction, rounded once."""
    if counted_days <= 0:
        return 0
    if fixed_amount is not None:
        num, den = fixed_amount, 1
    else:
        rate_num = params.rate_bp * tpp_ceiling  # / BP
        floor_num = params.floor_amount * BP
        num, den = max(rate_num, floor_num), BP
    num *= counted_days
    den *= period_days
    return _div_round(num, den, params.rounding_mode, params.rounding_unit)


def deduction_amount(*, params: RuleParams, tpp_ceiling: int, required: int, verified: int) -> int:
    """The TPP deduction for a shortfall; never more than the ceiling, rounded down to the
    rupiah (in the employee's favour)."""
    shortfall = max(required - verified, 0)
    if shortfall == 0 or required == 0:
        return 0
    mode = params.sanction_mode
    if mode == "withhold":
        amount = tpp_ceiling
    elif mode == "proportional":
        # ceiling × shortfall / required, at most cap × ceiling
        amount = min(
            tpp_ceiling * shortfall // required,
            tpp_ceiling * params.proportional_cap_bp // BP,
        )
    else:
        amount = shortfall
    return min(amount, tpp_ceiling)


def active_span(
    first: dt.date, last: dt.date, active_from: dt.date | None, active_to: dt.date | None
) -> tuple[dt.date, dt.date] | None:
    """The employee's active days inside [first, last], or None."""
    start = max(first, active_from) if active_from else first
    end = min(last, active_to) if active_to else last
    return (start, end) if start <= end else None


def exempt_days(span: tuple[dt.date, dt.date], ranges: list[tuple[dt.date, dt.date]]) -> int:
    """How many days of ``span`` are covered by the (possibly overlapping) exemption ranges."""
    start, end = span
    clipped = sorted((max(s, start), min(e, end)) for s, e in ranges if s <= end and e >= start)
    total, cursor = 0, None
    for s, e in clipped:
        if cursor is not None and s <= cursor:
            s = cursor + dt.timedelta(days=1)
        if s <= e:
            total += (e - s).days + 1
        cursor = e if cursor is None else max(cursor, e)
    return total
