"""Demo data for compliance: past demo months go through the real close, as the scheduled jobs
would have done by ``ctx.now`` — computed after their verification close, locked after their
appeal close — so the deduction register, the reports and the e-TPP export have data. The last
closed month is kept in its appeal window (its appeal close extended through the audited period
update) with one pending appeal, so the appeal journey can be tried.

The close is the production service (set-based, idempotent), run as the demo administrator."""

import datetime as dt

from ebakul.accounts import roles
from ebakul.core.periods import WIB

from .models import Appeal, AppealStatus, MonthlyCompliance, PeriodStatus
from .selectors import period_get_or_create
from .services import appeal_create, compute_period, lock_period, period_update

APPEAL_EXTENSION_DAYS = 7
DEMO_APPEAL_REASON = (
    "Pembelian saya di warung dekat kantor pada akhir bulan belum terhitung. "
    "Nota terlampir; mohon diperiksa kembali."
)


def seed(ctx) -> None:
    admins = ctx.users.get(roles.ADMIN) or []
    if not admins:
        ctx.log("compliance: no demo administrator, nothing computed")
        return
    actor = admins[0]
    last_closed = _last_closed(ctx)
    for period in ctx.periods:
        p = period_get_or_create(period)
        if p.status == PeriodStatus.LOCKED:
            continue
        if period == last_closed and p.appeal_close <= ctx.now:
            p = _extend_appeal_window(ctx, p, actor)
        if p.appeal_close <= ctx.now:
            stats = lock_period(period=period, actor=actor)
            ctx.log(f"compliance: {period} computed and locked ({stats['finalised']} deductions)")
        elif p.verification_close <= ctx.now:
            stats = compute_period(period=period, actor=actor)
            ctx.log(f"compliance: {period} computed ({stats['employees']} employees)")
    if last_closed:
        _pending_appeal(ctx, last_closed)


def _last_closed(ctx) -> str | None:
    """The newest demo month past its verification close: the one whose appeal journey the
    demo keeps open."""
    closed = [
        period
        for period in ctx.periods
        if period_get_or_create(period).verification_close <= ctx.now
    ]
    return closed[-1] if closed else None


def _extend_appeal_window(ctx, p, actor):
    """Keep the last closed month in its appeal window (issue 11, item 8), through the audited
    period update (history and a ``period_updated`` event), as an administrator would."""
    day = ctx.today_start.astimezone(WIB).date() + dt.timedelta(days=APPEAL_EXTENSION_DAYS)
    close = dt.datetime.combine(day, p.appeal_close.astimezone(WIB).time(), tzinfo=WIB)
    p = period_update(period=p, actor=actor, appeal_close=close)
    ctx.log(f"compliance: {p.period} appeal window extended to {day:%d-%m-%Y} (demo)")
    return p


def _pending_appeal(ctx, period: str) -> None:
    """One pending appeal in the last closed month, filed by a demo employee who is short."""
    p = period_get_or_create(period)
    if p.status != PeriodStatus.COMPUTED or p.appeal_close <= ctx.now:
        return
    if Appeal.objects.filter(period=period, status=AppealStatus.PENDING).exists():
        return
    ids = [e.pk for e in ctx.employees if e.user_id]
    short = (
        MonthlyCompliance.objects.filter(period=period, status="shortfall", employee_id__in=ids)
        .order_by("employee_id")
        .select_related("employee__user")
        .first()
    )
    if short is None:
        return
    appeal_create(
        employee=short.employee,
        period=period,
        reason=DEMO_APPEAL_REASON,
        actor=short.employee.user,
    )
    ctx.log(f"compliance: one pending appeal in {period}")


def reset(rows, log=print) -> None:
    """Demo results point at demo employees with PROTECT keys: remove them, newest versions
    first, and reopen the demo periods so a fresh seed closes them again."""
    from .models import MonthlyCompliance, Period, TppDeduction

    employees = rows.employees().values("pk")
    deductions = TppDeduction.objects.filter(employee__in=employees)
    # Corrections point at the version they supersede (PROTECT): unlink, then delete.
    deductions.update(supersedes=None)
    removed, _ = deductions.delete()
    MonthlyCompliance.objects.filter(employee__in=employees).delete()
    Period.objects.all().update(status=PeriodStatus.OPEN, locked_at=None, computed_at=None)
    log(f"compliance: {removed} demo deductions removed, periods reopened")
