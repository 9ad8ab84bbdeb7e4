"""Writes of the compliance app. Every state change is a keyword-only service taking the actor,
atomic, audited by a ``ComplianceEvent`` row (and simple-history where the model has it)."""

from collections import Counter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.errors import ConflictError, DomainError, PeriodLockedError, PermissionDeniedError
from ebakul.core.periods import WIB, period_of, validate_period
from ebakul.core.services import notify

from . import engine
from .models import (
    Appeal,
    AppealStatus,
    ComplianceEvent,
    DeductionStatus,
    Exemption,
    ExemptionStatus,
    MonthlyCompliance,
    Period,
    PeriodStatus,
    TppDeduction,
)
from .selectors import period_get_or_default

MSG_PERIOD_LOCKED = _(
    "Period %(period)s is locked: its results are final and nothing in it can change any more "
    "(only an audited correction by an administrator)."
)
MSG_SUBMISSION_CLOSED = _(
    "Submissions for period %(period)s closed on %(close)s WIB; this purchase can no longer be "
    "submitted."
)
MSG_NOT_ADMIN = _("Only an eBakul administrator may do this.")
MSG_NOT_VERIFIER = _("Only a verifier or an administrator may decide appeals.")
MSG_NOT_OWN = _("You can only appeal your own result.")
MSG_APPEAL_WINDOW = _(
    "Appeals for period %(period)s are only possible after its result is computed and until "
    "the appeal close."
)
MSG_APPEAL_PENDING = _("There is already a pending appeal for this period.")
MSG_APPEAL_DECIDED = _("This appeal has already been decided.")
MSG_REASON_REQUIRED = _("Please give a reason.")
MSG_DEDUCTION_NOT_FINAL = _("Only a final deduction of a locked period can be acknowledged.")
MSG_DEDUCTION_ACK_CONFLICT = _(
    "This deduction was already acknowledged with another e-TPP reference or amount."
)
MSG_DEDUCTION_NOT_CURRENT = _("Only the current version of a deduction can be corrected.")
MSG_CORRECTION_BEFORE_LOCK = _(
    "The period is not locked yet: recompute it instead of correcting a deduction."
)
MSG_EXEMPTION_DECIDED = _("This exemption has already been decided.")

UPSERT_BATCH = 5000
COMPLIANCE_FIELDS = [
    "rule",
    "employee_class",
    "tpp_ceiling",
    "active_days",
    "period_days",
    "required_spend",
    "verified_spend",
    "pending_spend",
    "shortfall",
    "status",
    "sanction_mode",
    "deduction_amount",
    "computed_at",
]


def _event(kind: str, *, period: str = "", employee=None, actor=None, **data) -> None:
    ComplianceEvent.objects.create(
        kind=kind,
        period=period,
        employee_id=getattr(employee, "pk", employee),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data,
    )


def _require_admin(actor) -> None:
    if actor is not None and not roles.is_admin(actor):
        raise PermissionDeniedError(MSG_NOT_ADMIN)


def _require_verifier(actor) -> None:
    if actor is not None and not (roles.is_admin(actor) or roles.has_role(actor, roles.VERIFIER)):
        raise PermissionDeniedError(MSG_NOT_VERIFIER)


def _locked_error(period: str) -> PeriodLockedError:
    return PeriodLockedError(MSG_PERIOD_LOCKED % {"period": period})


# --- The purchase guard (called by the workflow engine before any purchase transition) ------


def assert_purchase_changeable(*, purchase, action: str) -> None:
    period = purchase.period or period_of(purchase.purchased_at)
    p = period_get_or_default(period)
    if p.status == PeriodStatus.LOCKED:
        raise _locked_error(period)
    if action == "submit" and timezone.now() > p.submission_close:
        close = p.submission_close.astimezone(WIB)
        raise DomainError(
            MSG_SUBMISSION_CLOSED % {"period": period, "close": close.strftime("%d-%m-%Y %H:%M")},
            code="submission_closed",
        )


@transaction.atomic
def period_update(*, period: Period, actor, **dates) -> Period:
    """Edit a period's calendar (submission/verification/appeal close) until it is locked."""
    _require_admin(actor)
    locked = Period.objects.select_for_update().get(pk=period.pk)
    if locked.status == PeriodStatus.LOCKED:
        raise _locked_error(locked.period)
    for name in ("submission_close", "verification_close", "appeal_close"):
        if name in dates:
            setattr(locked, name, dates[name])
    locked.full_clean()
    locked._history_user = actor
    locked.save()
    _event(
        "period_updated", period=locked.period, actor=actor, **{k: str(v) for k, v in dates.items()}
    )
    return locked


# --- Compute and lock ------------------------------------------------------------------------


def _upsert_compliance(objs: list[MonthlyCompliance], progress) -> None:
    """Insert or update the rows, UPSERT_BATCH at a time. On MariaDB one multi-row
    ``INSERT … ON DUPLICATE KEY UPDATE`` per batch through the driver's ``executemany`` (Django's
    bulk_create spends more time compiling such statements than the server takes to run them;
    see bench/RESULTS.md); elsewhere ``bulk_create(update_conflicts=True)``."""
    if connection.vendor != "mysql":
        kwargs = {"update_conflicts": True, "update_fields": COMPLIANCE_FIELDS}
        if connection.features.supports_update_conflicts_with_target:
            kwargs["unique_fields"] = ["employee", "period"]
        for i in range(0, len(objs), UPSERT_BATCH):
            MonthlyCompliance.objects.bulk_create(objs[i : i + UPSERT_BATCH], **kwargs)
            if progress:
                progress("write", min(i + UPSERT_BATCH, len(objs)), len(objs))
        return
    meta = MonthlyCompliance._meta
    columns = ["employee_id", "period"] + [meta.get_field(f).column for f in COMPLIANCE_FIELDS]
    attnames = ["employee_id", "period"] + [meta.get_field(f).attname for f in COMPLIANCE_FIELDS]
    computed = meta.get_field("computed_at")
    sql = (
        f"INSERT INTO {meta.db_table} ({', '.join(columns)}) VALUES"  # noqa: S608 - table and column names from _meta
        f" ({', '.join(['%s'] * len(columns))}) ON DUPLICATE KEY UPDATE "
        + ", ".join(f"{c} = VALUES({c})" for c in columns[2:])
    )
    stamp = computed.get_db_prep_value(objs[0].computed_at, connection) if objs else None
    rows = [tuple(stamp if a == "computed_at" else getattr(o, a) for a in attnames) for o in objs]
    with connection.cursor() as cur:
        for i in range(0, len(rows), UPSERT_BATCH):
            cur.executemany(sql, rows[i : i + UPSERT_BATCH])
            if progress:
                progress("write", min(i + UPSERT_BATCH, len(rows)), len(rows))


def _upsert_draft_deductions(period: str, stamp, employee_ids) -> None:
    """Version-1 draft deductions from the compliance rows just written: one INSERT … SELECT.
    ``updated_at`` moves only when the amount or mode changes, so e-TPP's incremental export
    sees real changes only."""
    ded = TppDeduction._meta.db_table
    mc = MonthlyCompliance._meta.db_table
    where_ids, ids = engine._id_filter("m.employee_id", employee_ids)
    select = (
        f"SELECT m.employee_id, m.period, m.id, m.sanction_mode, m.deduction_amount, 'draft', 1,"  # noqa: S608
        f" '', '', %s, %s FROM {mc} m WHERE m.period = %s AND m.computed_at = %s{where_ids}"
    )
    cols = (
        "employee_id, period, compliance_id, sanction_mode, deduction_amount, status, version,"
        " correction_reason, etpp_reference, created_at, updated_at"
    )
    if connection.vendor == "mysql":
        upsert = (
            " ON DUPLICATE KEY UPDATE"
            f" {ded}.updated_at = IF({ded}.deduction_amount = VALUES(deduction_amount)"
            f" AND {ded}.sanction_mode = VALUES(sanction_mode), {ded}.updated_at,"
            " VALUES(updated_at)),"
            f" {ded}.compliance_id = VALUES(compliance_id),"
            f" {ded}.sanction_mode = VALUES(sanction_mode),"
            f" {ded}.deduction_amount = VALUES(deduction_amount)"
        )
    else:  # SQLite and PostgreSQL
        upsert = (
            " ON CONFLICT (employee_id, period, version) DO UPDATE SET"
            f" updated_at = CASE WHEN {ded}.deduction_amount = excluded.deduction_amount"
            f" AND {ded}.sanction_mode = excluded.sanction_mode THEN {ded}.updated_at"
            " ELSE excluded.updated_at END,"
            " compliance_id = excluded.compliance_id, sanction_mode = excluded.sanction_mode,"
            " deduction_amount = excluded.deduction_amount"
        )
    # Raw SQL: the datetime goes in the backend's own format (SQLite keeps naive UTC text).
    stamp = connection.ops.adapt_datetimefield_value(stamp)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {ded} ({cols}) {select}{upsert}", [stamp, stamp, period, stamp, *ids]
        )


@transaction.atomic
def compute_period(*, period: str, actor=None, employee_ids=None, progress=None) -> dict:
    """Compute every employee's result and draft deduction for ``period`` (or only
    ``employee_ids``). Idempotent; updates in place; refused once the period is locked. The
    number of queries does not depend on the number of employees (one per 5,000 rows written)."""
    validate_period(period)
    _require_admin(actor)
    period_get_or_default(period)
    p = Period.objects.select_for_update().get(period=period)
    if p.status == PeriodStatus.LOCKED:
        raise _locked_error(period)
    rule = engine.rule_for_period(period)
    if progress:
        progress("evaluate", 0, 0)
    results = engine.evaluate(period=p, rule=rule, employee_ids=employee_ids)
    stamp = timezone.now()
    objs = [
        MonthlyCompliance(
            employee_id=r.employee_id,
            period=period,
            rule_id=rule.pk,
            employee_class_id=r.employee_class_id,
            tpp_ceiling=r.tpp_ceiling,
            active_days=r.active_days,
            period_days=r.period_days,
            required_spend=r.required_spend,
            verified_spend=r.verified_spend,
            pending_spend=r.pending_spend,
            shortfall=r.shortfall,
            status=r.status,
            sanction_mode=rule.sanction_mode,
            deduction_amount=r.deduction_amount,
            computed_at=stamp,
        )
        for r in results
    ]
    _upsert_compliance(objs, progress)
    _upsert_draft_deductions(period, stamp, employee_ids)
    removed = 0
    if employee_ids is None:
        # Employees no longer in scope (e.g. an end date entered late): their rows go.
        TppDeduction.objects.filter(period=period, status=DeductionStatus.DRAFT).exclude(
            compliance__computed_at=stamp
        ).delete()
        removed, _ = (
            MonthlyCompliance.objects.filter(period=period).exclude(computed_at=stamp).delete()
        )
        p.status = PeriodStatus.COMPUTED
        p.computed_at = stamp
        p.rule = rule
        p._history_user = actor
        p.save()
    counts = Counter(r.status for r in results)
    stats = {
        "period": period,
        "employees": len(results),
        "compliant": counts.get("compliant", 0),
        "shortfall": counts.get("shortfall", 0),
        "exempt": counts.get("exempt", 0),
        "deduction_total": sum(r.deduction_amount for r in results),
        "removed": removed,
        "rule": rule.pk,
    }
    _event(
        "computed" if employee_ids is None else "recomputed",
        period=period,
        employee=employee_ids[0] if employee_ids and len(employee_ids) == 1 else None,
        actor=actor,
        **{k: v for k, v in stats.items() if k != "period"},
    )
    return stats


@transaction.atomic
def lock_period(*, period: str, actor=None, progress=None) -> dict:
    """Lock ``period``: compute it first if it never was, then make its drafts final. Running it
    on a locked period changes nothing (so a crashed job can be re-run)."""
    validate_period(period)
    _require_admin(actor)
    period_get_or_default(period)
    p = Period.objects.select_for_update().get(period=period)
    if p.status == PeriodStatus.LOCKED:
        return {"period": period, "already_locked": True, "finalised": 0}
    if p.status == PeriodStatus.OPEN:
        compute_period(period=period, actor=actor, progress=progress)
        p.refresh_from_db()
    now = timezone.now()
    finalised = TppDeduction.objects.filter(period=period, status=DeductionStatus.DRAFT).update(
        status=DeductionStatus.FINAL, updated_at=now
    )
    p.status = PeriodStatus.LOCKED
    p.locked_at = now
    p._history_user = actor
    p.save()
    _event("locked", period=period, actor=actor, finalised=finalised)
    return {"period": period, "already_locked": False, "finalised": finalised}


# --- Deductions after the lock ---------------------------------------------------------------


@transaction.atomic
def deduction_acknowledge(
    *, deduction, etpp_reference: str, applied_amount: int, applied_at, actor
):
    """e-TPP says it applied ``deduction``. Idempotent for the same reference and amount."""
    d = TppDeduction.objects.select_for_update().get(pk=deduction.pk)
    if d.status == DeductionStatus.ACKNOWLEDGED:
        if d.etpp_reference == etpp_reference and d.applied_amount == applied_amount:
            return d
        raise ConflictError(MSG_DEDUCTION_ACK_CONFLICT)
    if d.status != DeductionStatus.FINAL:
        raise ConflictError(MSG_DEDUCTION_NOT_FINAL)
    d.status = DeductionStatus.ACKNOWLEDGED
    d.etpp_reference = etpp_reference
    d.applied_amount = applied_amount
    d.applied_at = applied_at
    d.updated_at = timezone.now()
    d._history_user = actor
    d.full_clean()
    d.save()
    _event(
        "deduction_acknowledged",
        period=d.period,
        employee=d.employee_id,
        actor=actor,
        deduction=d.pk,
        reference=etpp_reference,
        applied_amount=applied_amount,
    )
    return d


@transaction.atomic
def deduction_correct(
    *, deduction, deduction_amount: int, reason: str, actor, compliance=None
) -> TppDeduction:
    """Cancel the current version of a locked period's deduction and supersede it with
    ``version + 1``. Never edits the old row's amount."""
    _require_verifier(actor)
    if not (reason or "").strip():
        raise DomainError(MSG_REASON_REQUIRED, field="reason")
    old = TppDeduction.objects.select_for_update().get(pk=deduction.pk)
    if Period.objects.filter(period=old.period).exclude(status=PeriodStatus.LOCKED).exists():
        raise ConflictError(MSG_CORRECTION_BEFORE_LOCK)
    if old.status not in (DeductionStatus.FINAL, DeductionStatus.ACKNOWLEDGED):
        raise ConflictError(MSG_DEDUCTION_NOT_CURRENT)
    now = timezone.now()
    old.status = DeductionStatus.CANCELLED
    old.updated_at = now
    old._history_user = actor
    old.save()
    new = TppDeduction(
        employee_id=old.employee_id,
        period=old.period,
        compliance=compliance or old.compliance,
        sanction_mode=old.sanction_mode,
        deduction_amount=int(deduction_amount),
        status=DeductionStatus.FINAL,
        version=old.version + 1,
        supersedes=old,
        correction_reason=reason,
        created_at=now,
        updated_at=now,
    )
    new._history_user = actor
    new.full_clean()
    new.save()
    _event(
        "deduction_corrected",
        period=old.period,
        employee=old.employee_id,
        actor=actor,
        cancelled=old.pk,
        new=new.pk,
        old_amount=old.deduction_amount,
        new_amount=new.deduction_amount,
        reason=reason,
    )
    return new


# --- Exemptions ------------------------------------------------------------------------------


@transaction.atomic
def exemption_create(
    *, employee, start_date, end_date, reason: str, note: str = "", actor
) -> Exemption:
    ex = Exemption(
        employee=employee,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        note=note,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ex.full_clean()
    ex._history_user = actor
    ex.save()
    _event("exemption_requested", employee=employee, actor=actor, exemption=ex.pk)
    return ex


@transaction.atomic
def _exemption_decide(*, exemption, status: str, note: str, actor) -> Exemption:
    ex = Exemption.objects.select_for_update().get(pk=exemption.pk)
    if ex.status != ExemptionStatus.PENDING:
        raise ConflictError(MSG_EXEMPTION_DECIDED)
    ex.status = status
    ex.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    ex.decided_at = timezone.now()
    if note:
        ex.note = f"{ex.note}\n{note}".strip()
    ex._history_user = actor
    ex.save()
    _event(f"exemption_{status}", employee=ex.employee_id, actor=actor, exemption=ex.pk)
    return ex


def exemption_approve(*, exemption, actor, note: str = "") -> Exemption:
    """Approve an exemption (administrators only). Locked periods keep their results; an
    exemption reaching into one needs an appeal or a correction."""
    _require_admin(actor)
    return _exemption_decide(
        exemption=exemption, status=ExemptionStatus.APPROVED, note=note, actor=actor
    )


def exemption_reject(*, exemption, actor, note: str = "") -> Exemption:
    _require_admin(actor)
    return _exemption_decide(
        exemption=exemption, status=ExemptionStatus.REJECTED, note=note, actor=actor
    )


# --- Appeals (sanggahan) ---------------------------------------------------------------------


@transaction.atomic
def appeal_create(*, employee, period: str, reason: str, evidence=None, actor) -> Appeal:
    validate_period(period)
    is_staff_actor = roles.is_admin(actor) or roles.has_role(actor, roles.VERIFIER)
    if not is_staff_actor and (employee.user_id is None or employee.user_id != actor.pk):
        raise PermissionDeniedError(MSG_NOT_OWN)
    if not (reason or "").strip():
        raise DomainError(MSG_REASON_REQUIRED, field="reason")
    p = period_get_or_default(period)
    if p.status != PeriodStatus.COMPUTED or timezone.now() > p.appeal_close:
        raise DomainError(MSG_APPEAL_WINDOW % {"period": period}, code="appeal_window_closed")
    if Appeal.objects.filter(
        employee=employee, period=period, status=AppealStatus.PENDING
    ).exists():
        raise ConflictError(MSG_APPEAL_PENDING)
    appeal = Appeal(
        employee=employee,
        period=period,
        reason=reason,
        evidence=evidence,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    appeal.full_clean()
    appeal._history_user = actor
    appeal.save()
    _event("appeal_created", period=period, employee=employee, actor=actor, appeal=appeal.pk)
    return appeal


@transaction.atomic
def appeal_decide(*, appeal, accept: bool, note: str, actor) -> Appeal:
    """Accept (the employee is recomputed: before the lock in place, after it by a correction of
    the deduction) or reject an appeal."""
    _require_verifier(actor)
    a = Appeal.objects.select_for_update().select_related("employee").get(pk=appeal.pk)
    if a.status != AppealStatus.PENDING:
        raise ConflictError(MSG_APPEAL_DECIDED)
    if not accept and not (note or "").strip():
        raise DomainError(MSG_REASON_REQUIRED, field="note")
    outcome = {}
    if accept:
        p = period_get_or_default(a.period)
        if p.status != PeriodStatus.LOCKED:
            outcome = compute_period(period=a.period, employee_ids=[a.employee_id])
        else:
            outcome = _correct_after_lock(appeal=a, period=p, actor=actor)
    a.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    a.decision_note = note or ""
    a.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    a.decided_at = timezone.now()
    a._history_user = actor
    a.save()
    _event(
        "appeal_accepted" if accept else "appeal_rejected",
        period=a.period,
        employee=a.employee_id,
        actor=actor,
        appeal=a.pk,
        note=note,
        outcome={k: v for k, v in outcome.items() if isinstance(v, int | str)},
    )
    if a.employee.user_id:
        notify(
            user=a.employee.user,
            title=_("Your appeal for %(period)s was decided") % {"period": a.period},
            body=note or "",
            kind="appeal_decided",
            email=True,
        )
    return a


def _correct_after_lock(*, appeal: Appeal, period: Period, actor) -> dict:
    rows = engine.evaluate(
        period=period,
        rule=period.rule or engine.rule_for_period(period.period),
        employee_ids=[appeal.employee_id],
    )
    current = (
        TppDeduction.objects.filter(
            employee_id=appeal.employee_id,
            period=appeal.period,
            status__in=[DeductionStatus.FINAL, DeductionStatus.ACKNOWLEDGED],
        )
        .order_by("-version")
        .first()
    )
    if not rows or current is None:
        return {}
    r = rows[0]
    MonthlyCompliance.objects.filter(employee_id=appeal.employee_id, period=appeal.period).update(
        required_spend=r.required_spend,
        verified_spend=r.verified_spend,
        pending_spend=r.pending_spend,
        shortfall=r.shortfall,
        status=r.status,
        active_days=r.active_days,
        deduction_amount=r.deduction_amount,
    )
    if r.deduction_amount == current.deduction_amount:
        return {"deduction_amount": r.deduction_amount, "corrected": 0}
    new = deduction_correct(
        deduction=current,
        deduction_amount=r.deduction_amount,
        reason=str(_("Appeal %(id)s accepted") % {"id": appeal.pk}),
        actor=actor,
    )
    return {"deduction_amount": new.deduction_amount, "corrected": new.pk}
