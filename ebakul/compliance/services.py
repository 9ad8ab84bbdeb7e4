"""Writes of the compliance app. Every state change is a keyword-only service taking the actor,
atomic, audited by a ``ComplianceEvent`` row (and simple-history where the model has it)."""

from collections import Counter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.errors import ConflictError, DomainError, PeriodLockedError, PermissionDeniedError
from ebakul.core.periods import WIB, period_label, period_of, validate_period
from ebakul.core.services import notify
from ebakul.purchases.models import Purchase

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

UPSERT_BATCH = 10_000  # rows per INSERT statement (about 1 MB on MariaDB)
# Columns of MonthlyCompliance written by the close, after (employee_id, period).
COMPLIANCE_COLUMNS = [
    "rule_id",
    "employee_class_id",
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


MSG_PURCHASE_IN_LOCKED = _(
    "Purchases of %(month)s can no longer be recorded or changed: the period is locked and its "
    "results are final."
)


def assert_purchase_period_open(*, period: str) -> None:
    """Registered in ``settings.EBAKUL["PURCHASE_DATE_CHECKS"]``: no draft is recorded or
    corrected in a locked period. A read: a missing period is not created (it is open)."""
    status = Period.objects.filter(period=period).values_list("status", flat=True).first()
    if status == PeriodStatus.LOCKED:
        raise PeriodLockedError(
            MSG_PURCHASE_IN_LOCKED % {"month": period_label(period)},
            code="period_locked",
            field="purchased_at",
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


def _stored_results(period: str, employee_ids) -> dict[int, tuple]:
    """What the period holds now: employee id → (compliance id, the ``COMPLIANCE_COLUMNS``
    values, (compliance id, mode, amount) of the version-1 deduction or None). One query."""
    mc = MonthlyCompliance._meta.db_table
    ded = TppDeduction._meta.db_table
    where_ids, ids = engine._id_filter("m.employee_id", employee_ids)
    sql = (
        f"SELECT m.employee_id, m.id, {', '.join('m.' + c for c in COMPLIANCE_COLUMNS)},"  # noqa: S608 - names from _meta and constants
        f" d.compliance_id, d.sanction_mode, d.deduction_amount FROM {mc} m"
        f" LEFT JOIN {ded} d ON d.employee_id = m.employee_id AND d.period = m.period"
        f" AND d.version = 1 WHERE m.period = %s{where_ids}"
    )
    n = len(COMPLIANCE_COLUMNS)
    with connection.cursor() as cur:
        cur.execute(sql, [period, *ids])
        return {
            r[0]: (r[1], tuple(r[2 : 2 + n]), r[2 + n :] if r[2 + n] is not None else None)
            for r in cur.fetchall()
        }


def _mysql_values(rows: list[tuple]) -> str:
    """``(…),(…)`` for a multi-row INSERT on MariaDB. Integers are written as numerals and the
    few distinct strings (period, status, mode, time stamp) are escaped once by the driver;
    escaping 1.5 million values one by one took about as long as the insert itself (ADR 0036)."""
    escape = connection.connection.literal
    escaped = {}

    def literal(value) -> str:
        if value is None:
            return "NULL"
        if type(value) is int:
            return str(value)
        if value not in escaped:
            escaped[value] = escape(value).decode()
        return escaped[value]

    return ",".join(["(" + ",".join([literal(v) for v in row]) + ")" for row in rows])


def _upsert_compliance(rows: list[tuple], progress) -> None:
    """Insert or update ``MonthlyCompliance`` rows ``(employee_id, period, *COMPLIANCE_COLUMNS,
    computed_at)`` by the unique (employee, period), ``UPSERT_BATCH`` per statement: MariaDB
    ``INSERT … ON DUPLICATE KEY UPDATE``; SQLite and PostgreSQL ``INSERT … ON CONFLICT DO
    UPDATE`` through the driver's ``executemany``."""
    table = MonthlyCompliance._meta.db_table
    columns = ["employee_id", "period", *COMPLIANCE_COLUMNS, "computed_at"]
    updated = columns[2:]
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
    mysql = connection.vendor == "mysql"
    if mysql:
        upsert = " ON DUPLICATE KEY UPDATE " + ", ".join(f"{c} = VALUES({c})" for c in updated)
    else:
        upsert = " ON CONFLICT (employee_id, period) DO UPDATE SET " + ", ".join(
            f"{c} = excluded.{c}" for c in updated
        )
        single = f"{insert} ({', '.join(['%s'] * len(columns))}){upsert}"
    with connection.cursor() as cur:
        for i in range(0, len(rows), UPSERT_BATCH):
            batch = rows[i : i + UPSERT_BATCH]
            if mysql:
                cur.execute(f"{insert} {_mysql_values(batch)}{upsert}")
            else:
                cur.executemany(single, batch)
            if progress:
                progress("write", i + len(batch), len(rows))


def _upsert_draft_deductions(period: str, stamp) -> None:
    """Version-1 draft deductions from the compliance rows written by this run (those with its
    ``computed_at``): one INSERT … SELECT. ``updated_at`` moves only when the amount or mode
    changes, so e-TPP's incremental export sees real changes only."""
    ded = TppDeduction._meta.db_table
    mc = MonthlyCompliance._meta.db_table
    select = (
        f"SELECT m.employee_id, m.period, m.id, m.sanction_mode, m.deduction_amount, 'draft', 1,"  # noqa: S608
        f" '', '', %s, %s FROM {mc} m WHERE m.period = %s AND m.computed_at = %s"
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
    stamp = engine._db_datetime(stamp)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {ded} ({cols}) {select}{upsert}", [stamp, stamp, period, stamp])


def _write_results(*, period: str, rule, results, stamp, employee_ids, progress) -> dict:
    """Write what changed (ADR 0036): read the stored rows of the period once, compare in
    Python, upsert only new or changed compliance rows (and those whose draft deduction is
    missing or differs), derive their deductions in SQL, and on a full run delete the rows of
    employees no longer in scope. A re-run with nothing changed writes nothing."""
    stored = _stored_results(period, employee_ids)
    db_stamp = engine._db_datetime(stamp)
    mode = rule.sanction_mode
    to_write = []
    for r in results:
        values = (
            rule.pk,
            r.employee_class_id,
            r.tpp_ceiling,
            r.active_days,
            r.period_days,
            r.required_spend,
            r.verified_spend,
            r.pending_spend,
            r.shortfall,
            r.status,
            mode,
            r.deduction_amount,
        )
        old = stored.pop(r.employee_id, None)
        if old is not None and old[1] == values and old[2] == (old[0], mode, r.deduction_amount):
            continue
        to_write.append((r.employee_id, period, *values, db_stamp))
    if to_write:
        _upsert_compliance(to_write, progress)
        _upsert_draft_deductions(period, stamp)
    removed = 0
    if employee_ids is None and stored:
        # Employees no longer in scope (e.g. an end date entered late): their rows go.
        gone = sorted(stored)
        for i in range(0, len(gone), UPSERT_BATCH):
            chunk = gone[i : i + UPSERT_BATCH]
            TppDeduction.objects.filter(
                period=period, status=DeductionStatus.DRAFT, employee_id__in=chunk
            ).delete()
            removed += MonthlyCompliance.objects.filter(
                period=period, employee_id__in=chunk
            ).delete()[0]
    return {"written": len(to_write), "removed": removed}


@transaction.atomic
def compute_period(*, period: str, actor=None, employee_ids=None, progress=None) -> dict:
    """Compute every employee's result and draft deduction for ``period`` (or only
    ``employee_ids``). Idempotent: writes only what changed (ADR 0036); refused once the period
    is locked. The number of queries does not depend on the number of employees (one more per
    ``UPSERT_BATCH`` rows written, one more per batch of removed rows)."""
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
    written = _write_results(
        period=period,
        rule=rule,
        results=results,
        stamp=stamp,
        employee_ids=employee_ids,
        progress=progress,
    )
    removed = written["removed"]
    if employee_ids is None:
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
        written=written["written"],
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
    # Purchases of a locked period can no longer be acted on: take them out of the verifiers'
    # queues ("Tugas saya") instead of leaving work nobody can do.
    from ebakul.workflow.models import DocumentType
    from ebakul.workflow.services import assignments_end

    ended = assignments_end(
        document_type=DocumentType.PURCHASE,
        object_ids=Purchase.objects.filter(period=period).values("pk"),
    )
    _event("locked", period=period, actor=actor, finalised=finalised, assignments_ended=ended)
    return {
        "period": period,
        "already_locked": False,
        "finalised": finalised,
        "assignments_ended": ended,
    }


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
