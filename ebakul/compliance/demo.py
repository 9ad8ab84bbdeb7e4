"""Demo data for compliance: past demo months go through the real close, as the scheduled jobs
would have done by ``ctx.now`` — computed after their verification close, locked after their
appeal close — so the deduction register, the reports and the e-TPP export have data.

The close is the production service (set-based, idempotent), run as the demo administrator."""

from ebakul.accounts import roles

from .models import PeriodStatus
from .selectors import period_get_or_default
from .services import compute_period, lock_period


def seed(ctx) -> None:
    admins = ctx.users.get(roles.ADMIN) or []
    if not admins:
        ctx.log("compliance: no demo administrator, nothing computed")
        return
    actor = admins[0]
    for period in ctx.periods:
        p = period_get_or_default(period)
        if p.status == PeriodStatus.LOCKED:
            continue
        if p.appeal_close <= ctx.now:
            stats = lock_period(period=period, actor=actor)
            ctx.log(f"compliance: {period} computed and locked ({stats['finalised']} deductions)")
        elif p.verification_close <= ctx.now:
            stats = compute_period(period=period, actor=actor)
            ctx.log(f"compliance: {period} computed ({stats['employees']} employees)")


def reset(log=print) -> None:
    """Demo results point at demo employees with PROTECT keys: remove them, newest versions
    first, and reopen the demo periods so a fresh seed closes them again."""
    from ebakul.core.demo import demo_employees

    from .models import MonthlyCompliance, Period, TppDeduction

    employees = demo_employees().values("pk")
    deductions = TppDeduction.objects.filter(employee__in=employees)
    # Corrections point at the version they supersede (PROTECT): unlink, then delete.
    deductions.update(supersedes=None)
    removed, _ = deductions.delete()
    MonthlyCompliance.objects.filter(employee__in=employees).delete()
    Period.objects.all().update(status=PeriodStatus.OPEN, locked_at=None, computed_at=None)
    log(f"compliance: {removed} demo deductions removed, periods reopened")
