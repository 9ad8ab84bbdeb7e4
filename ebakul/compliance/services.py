"""Writes of the compliance app. Every state change is a keyword-only service taking the actor,
atomic, audited by a ``ComplianceEvent`` row (and simple-history where the model has it)."""

import logging
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.errors import ConflictError, DomainError, PeriodLockedError, PermissionDeniedError
from ebakul.core.history import set_history_user
from ebakul.core.money import format_rupiah
from ebakul.core.periods import (
    WIB,
    period_first_day,
    period_label,
    period_last_day,
    period_of,
    validate_period,
)
from ebakul.core.replay import is_replaying
from ebakul.core.services import notify
from ebakul.purchases.models import Purchase
from ebakul.workflow.selectors import PURCHASE, submit_action
from ebakul.workflow.services import apply_action

from . import adjustments, engine
from .models import (
    Appeal,
    AppealRemedy,
    AppealStatus,
    ComplianceEvent,
    DeductionAdjustment,
    DeductionStatus,
    Exemption,
    ExemptionReason,
    ExemptionStatus,
    MonthlyCompliance,
    Period,
    PeriodStatus,
    TppDeduction,
)
from .rules import indonesian_month
from .selectors import period_get_or_create, periods_open_for_appeal

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
# An appeal is read by a verifier who decides on it: a reason of a few words says too little.
APPEAL_REASON_MIN_LENGTH = 20
MSG_APPEAL_REASON_SHORT = _("Explain the reason in at least 20 characters.")
MSG_DEDUCTION_NOT_FINAL = _("Only a final deduction of a locked period can be acknowledged.")
MSG_DEDUCTION_ACK_CONFLICT = _(
    "This deduction was already acknowledged with another e-TPP reference or amount."
)
MSG_DEDUCTION_NOT_CURRENT = _("Only the current version of a deduction can be corrected.")
MSG_CORRECTION_BEFORE_LOCK = _(
    "The period is not locked yet: recompute it instead of correcting a deduction."
)
MSG_EXEMPTION_DECIDED = _("This exemption has already been decided.")
MSG_APPEAL_ONCE = _(
    "Your appeal for this period has already been decided; the decision is shown on your home page."
)
MSG_APPEAL_NOTE_REQUIRED = _("Write a note explaining the decision to the employee.")
MSG_REMEDY_REQUIRED = _(
    "Accepting an appeal must name its remedy: count a purchase, grant an exemption or reduce "
    "the deduction."
)
MSG_REMEDY_NO_CHANGE = _(
    "This remedy does not change the employee's result (deduction stays %(amount)s). Choose a "
    "remedy that changes it, or reject the appeal with a note."
)
MSG_REMEDY_PURCHASE = _("Choose one of the employee's purchases of this period.")
MSG_REMEDY_PURCHASE_LOCKED = _(
    "The period is locked: a purchase can no longer be verified. Reduce the deduction or grant "
    "an exemption instead."
)
MSG_REMEDY_DATES = _(
    "Give the first and the last day of the exemption, both inside %(month)s, the last not "
    "before the first."
)
MSG_REMEDY_AMOUNT = _("The reduction must be a whole rupiah amount from Rp1 to %(max)s.")
MSG_REMEDY_REASON = _("Give the reason for the reduction.")
MSG_NOT_IN_SCOPE = _("The employee has no result for this period.")
MSG_TOO_EARLY = _(
    "Period %(period)s cannot be computed or locked before its verification close "
    "(%(close)s WIB): purchases can still be submitted and verified. Run an estimate "
    "(simulation) instead; employees do not see it."
)
MSG_RESULT_CHANGED_TITLE = _("Your final result for %(period)s differs from the computed one")
MSG_RESULT_CHANGED_BODY = _(
    "Between the compute and the lock of period %(period)s your facts changed (a purchase "
    "verified, an exemption approved or a correction). Computed: %(old_status)s, deduction "
    "%(old)s. Final: %(new_status)s, deduction %(new)s."
)
MSG_CONCERNS_SELF = _(
    "You may not decide on a matter that concerns yourself: another verifier or administrator "
    "has to."
)
MSG_EXEMPTION_NOT_ALLOWED = _(
    "Only an administrator, or the OPD operator of the employee's work unit, may propose or "
    "change an exemption."
)
MSG_EXEMPTION_EMPLOYEE_FIXED = _(
    "The employee of an exemption cannot be changed; reject it and propose a new one."
)
EXEMPTION_EDITABLE_FIELDS = frozenset({"start_date", "end_date", "reason", "note"})

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
    if actor is not None and not roles.is_admin_or_verifier(actor):
        raise PermissionDeniedError(MSG_NOT_VERIFIER)


def _refuse_own(actor, employee) -> None:
    """Separation of duties (docs/adr/0085): nobody decides a matter about themselves."""
    user_id = getattr(employee, "user_id", None)
    if actor is not None and user_id is not None and user_id == actor.pk:
        raise PermissionDeniedError(MSG_CONCERNS_SELF)


def _locked_error(period: str) -> PeriodLockedError:
    return PeriodLockedError(MSG_PERIOD_LOCKED % {"period": period})


# --- The purchase guard (called by the workflow engine before any purchase transition) ------


def assert_purchase_changeable(*, purchase, action: str) -> None:
    period = purchase.period or period_of(purchase.purchased_at)
    p = period_get_or_create(period)
    if p.status == PeriodStatus.LOCKED:
        raise _locked_error(period)
    # the submitting action is the workflow's (ADR 0125), whatever its code
    # A replayed claim (the import of claims made earlier, ebakul/core/replay.py) ignores the close.
    if (
        not is_replaying()
        and timezone.now() > p.submission_close
        and action == submit_action(PURCHASE, purchase.status)
    ):
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
    set_history_user(locked, actor)
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


STATUS_COLUMN = COMPLIANCE_COLUMNS.index("status")
DEDUCTION_COLUMN = COMPLIANCE_COLUMNS.index("deduction_amount")


def _write_results(*, period: str, rule, results, stamp, employee_ids, progress) -> dict:
    """Write what changed (ADR 0036): read the stored rows of the period once, compare in
    Python, upsert only new or changed compliance rows (and those whose draft deduction is
    missing or differs), derive their deductions in SQL, and on a full run delete the rows of
    employees no longer in scope. A re-run with nothing changed writes nothing.

    ``changed`` lists the employees whose stored result (status or deduction) differs from the
    new one: (employee id, old status, old deduction, new status, new deduction)."""
    stored = _stored_results(period, employee_ids)
    db_stamp = engine._db_datetime(stamp)
    mode = rule.sanction_mode
    to_write = []
    changed = []
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
        if old is not None and (
            old[1][STATUS_COLUMN] != r.status or int(old[1][DEDUCTION_COLUMN]) != r.deduction_amount
        ):
            changed.append(
                (
                    r.employee_id,
                    old[1][STATUS_COLUMN],
                    int(old[1][DEDUCTION_COLUMN]),
                    r.status,
                    r.deduction_amount,
                )
            )
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
    return {"written": len(to_write), "removed": removed, "changed": changed}


def _refuse_before_verification_close(p: Period) -> None:
    """The guard of the close (ADR 0100): before the verification close a period may only be
    simulated. A period already computed (its calendar moved afterwards) may be recomputed."""
    if p.status == PeriodStatus.OPEN and timezone.now() < p.verification_close:
        close = p.verification_close.astimezone(WIB)
        raise DomainError(
            MSG_TOO_EARLY % {"period": p.period, "close": close.strftime("%d-%m-%Y %H:%M")},
            code="before_verification_close",
        )


def _compute(*, p: Period, actor, employee_ids, progress, kind: str) -> tuple[dict, list]:
    """Evaluate and write ``p`` (locked by the caller); returns (stats, changed employees)."""
    period = p.period
    rule = engine.rule_for_period(period)
    if progress:
        progress("evaluate", 0, 0)
    results = engine.evaluate(period=p, rule=rule, employee_ids=employee_ids)
    results = adjustments.apply(period, results, employee_ids)  # appeals' reductions (ADR 0106)
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
        set_history_user(p, actor)
        p.save()
    stats = {
        "period": period,
        **_result_counts(results),
        "removed": removed,
        "rule": rule.pk if rule else None,
    }
    _event(
        kind if employee_ids is None else "recomputed",
        period=period,
        employee=employee_ids[0] if employee_ids and len(employee_ids) == 1 else None,
        actor=actor,
        written=written["written"],
        changed=len(written["changed"]),
        **{k: v for k, v in stats.items() if k != "period"},
    )
    return stats, written["changed"]


def _result_counts(results) -> dict:
    counts = Counter(r.status for r in results)
    return {
        "employees": len(results),
        "compliant": counts.get("compliant", 0),
        "shortfall": counts.get("shortfall", 0),
        "exempt": counts.get("exempt", 0),
        "deduction_total": sum(r.deduction_amount for r in results),
    }


@transaction.atomic
def compute_period(
    *, period: str, actor=None, employee_ids=None, progress=None, simulate: bool = False
) -> dict:
    """Compute every employee's result and draft deduction for ``period`` (or only
    ``employee_ids``). Idempotent: writes only what changed (ADR 0036); refused once the period
    is locked, and before the verification close unless ``simulate`` (ADR 0100): a simulation
    (perkiraan) evaluates the period without writing any result, so employees, reports and the
    e-TPP export never see it; only its summary is recorded (a ``simulated`` event). The number
    of queries does not depend on the number of employees (one more per ``UPSERT_BATCH`` rows
    written, one more per batch of removed rows)."""
    validate_period(period)
    _require_admin(actor)
    if simulate:
        return simulate_period(period=period, actor=actor, progress=progress)
    period_get_or_create(period)
    p = Period.objects.select_for_update().get(period=period)
    if p.status == PeriodStatus.LOCKED:
        raise _locked_error(period)
    _refuse_before_verification_close(p)
    stats, _changed = _compute(
        p=p, actor=actor, employee_ids=employee_ids, progress=progress, kind="computed"
    )
    return stats


def simulate_period(*, period: str, actor=None, progress=None) -> dict:
    """An estimate (perkiraan) of ``period`` computed now, without writing any result: the
    preview of the control page, recorded as a ``simulated`` event (ADR 0100)."""
    from .selectors import period_preview

    validate_period(period)
    _require_admin(actor)
    p = period_get_or_create(period)
    if p.status == PeriodStatus.LOCKED:
        raise _locked_error(period)
    if progress:
        progress("evaluate", 0, 0)
    preview = period_preview(period=period)
    stats = {
        "period": period,
        "simulation": True,
        **{k: preview[k] for k in ("employees", "compliant", "shortfall", "exempt")},
        "deduction_total": preview["deduction_total"],
        "rule": preview["rule"],
    }
    _event(
        "simulated", period=period, actor=actor, **{k: v for k, v in stats.items() if k != "period"}
    )
    return stats


@transaction.atomic
def lock_period(*, period: str, actor=None, progress=None) -> dict:
    """Lock ``period``: recompute it from the latest facts (changed rows only), then make its
    drafts final, in one transaction (ADR 0100). Whatever changed since the compute (a purchase
    verified, an exemption approved) reaches the final result; each employee whose result
    changed is notified with the old and the new figure. Refused before the verification close.
    Running it on a locked period changes nothing (so a crashed job can be re-run)."""
    validate_period(period)
    _require_admin(actor)
    period_get_or_create(period)
    p = Period.objects.select_for_update().get(period=period)
    if p.status == PeriodStatus.LOCKED:
        return {"period": period, "already_locked": True, "finalised": 0}
    _refuse_before_verification_close(p)
    was_computed = p.status == PeriodStatus.COMPUTED
    stats, changed = _compute(
        p=p, actor=actor, employee_ids=None, progress=progress, kind="recomputed_at_lock"
    )
    now = timezone.now()
    finalised = TppDeduction.objects.filter(period=period, status=DeductionStatus.DRAFT).update(
        status=DeductionStatus.FINAL, updated_at=now
    )
    p.status = PeriodStatus.LOCKED
    p.locked_at = now
    set_history_user(p, actor)
    p.save()
    logging.getLogger("ebakul.compliance.lock").info(
        "period locked",
        extra={"period": period, "finalised": finalised, "actor": getattr(actor, "pk", None)},
    )
    # Purchases of a locked period can no longer be acted on: take them out of the verifiers'
    # queues ("Tugas saya") instead of leaving work nobody can do.
    from ebakul.workflow.models import DocumentType
    from ebakul.workflow.services import assignments_end

    ended = assignments_end(
        document_type=DocumentType.PURCHASE,
        object_ids=Purchase.objects.filter(period=period).values("pk"),
    )
    _notify_changed(period=period, changed=changed)
    _event(
        "locked",
        period=period,
        actor=actor,
        finalised=finalised,
        assignments_ended=ended,
        was_computed=was_computed,
        changed_since_compute=len(changed),
        changed_employees=[c[0] for c in changed[:1000]],
    )
    return {
        **stats,
        "already_locked": False,
        "finalised": finalised,
        "assignments_ended": ended,
        "changed_since_compute": len(changed),
    }


def _notify_changed(*, period: str, changed: list) -> None:
    """Tell each employee whose result changed between the compute and the lock: the computed
    and the final figure, in rupiah (sent once the lock commits)."""
    if not changed:
        return
    from ebakul.employees.models import Employee

    from .models import ComplianceStatus

    users = {
        e.pk: e.user
        for e in Employee.objects.filter(
            pk__in=[c[0] for c in changed], user__isnull=False
        ).select_related("user")
    }
    for employee_id, old_status, old, new_status, new in changed:
        user = users.get(employee_id)
        if user is None:
            continue
        notify(
            user=user,
            title=MSG_RESULT_CHANGED_TITLE % {"period": period},
            body=MSG_RESULT_CHANGED_BODY
            % {
                "period": period,
                "old_status": ComplianceStatus(old_status).label,
                "old": format_rupiah(old),
                "new_status": ComplianceStatus(new_status).label,
                "new": format_rupiah(new),
            },
            kind="result_changed_at_lock",
            email=True,
        )


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
    set_history_user(d, actor)
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
    old = TppDeduction.objects.select_for_update().select_related("employee").get(pk=deduction.pk)
    _refuse_own(actor, old.employee)
    if Period.objects.filter(period=old.period).exclude(status=PeriodStatus.LOCKED).exists():
        raise ConflictError(MSG_CORRECTION_BEFORE_LOCK)
    if old.status not in (DeductionStatus.FINAL, DeductionStatus.ACKNOWLEDGED):
        raise ConflictError(MSG_DEDUCTION_NOT_CURRENT)
    now = timezone.now()
    old.status = DeductionStatus.CANCELLED
    old.updated_at = now
    set_history_user(old, actor)
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
    set_history_user(new, actor)
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


def exemption_may_propose(*, employee, actor) -> bool:
    """Who proposes exemptions (docs/adr/0087): an administrator or a verifier for anyone, an
    OPD operator for the employees of their units; never for oneself. ``actor`` None is the
    system (imports, tests of the engine)."""
    if actor is None:
        return True
    if getattr(employee, "user_id", None) is not None and employee.user_id == actor.pk:
        return False
    if roles.is_admin_or_verifier(actor):
        return True
    if roles.has_role(actor, roles.UNIT_OPERATOR):
        from ebakul.employees.selectors import operator_unit_ids

        return employee.work_unit_id in operator_unit_ids(actor)
    return False


def exemption_may_change(*, exemption, actor) -> bool:
    """A pending exemption is corrected by an administrator or the operator of the employee's
    unit (not by a verifier, not by the employee concerned); a decided one by nobody."""
    if exemption.status != ExemptionStatus.PENDING:
        return False
    if actor is None:
        return True
    employee = exemption.employee
    if employee.user_id is not None and employee.user_id == actor.pk:
        return False
    if roles.is_admin(actor):
        return True
    if roles.has_role(actor, roles.UNIT_OPERATOR):
        from ebakul.employees.selectors import operator_unit_ids

        return employee.work_unit_id in operator_unit_ids(actor)
    return False


@transaction.atomic
def exemption_create(
    *, employee, start_date, end_date, reason: str, note: str = "", actor
) -> Exemption:
    if not exemption_may_propose(employee=employee, actor=actor):
        raise PermissionDeniedError(MSG_EXEMPTION_NOT_ALLOWED)
    ex = Exemption(
        employee=employee,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        note=note,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ex.full_clean()
    set_history_user(ex, actor)
    ex.save()
    _event("exemption_requested", employee=employee, actor=actor, exemption=ex.pk)
    return ex


@transaction.atomic
def exemption_update(*, exemption, actor, **fields) -> Exemption:
    """Correct a pending exemption's dates, reason or note. Its employee never changes."""
    if "employee" in fields or "employee_id" in fields:
        raise DomainError(MSG_EXEMPTION_EMPLOYEE_FIXED, field="employee")
    ex = Exemption.objects.select_for_update().select_related("employee").get(pk=exemption.pk)
    if ex.status != ExemptionStatus.PENDING:
        raise ConflictError(MSG_EXEMPTION_DECIDED)
    if not exemption_may_change(exemption=ex, actor=actor):
        raise PermissionDeniedError(MSG_EXEMPTION_NOT_ALLOWED)
    unknown = set(fields) - EXEMPTION_EDITABLE_FIELDS
    if unknown:
        raise DomainError(MSG_EXEMPTION_NOT_ALLOWED)
    for name, value in fields.items():
        setattr(ex, name, value)
    ex.full_clean()
    set_history_user(ex, actor)
    ex.save()
    _event("exemption_changed", employee=ex.employee_id, actor=actor, exemption=ex.pk)
    return ex


@transaction.atomic
def _exemption_decide(*, exemption, status: str, note: str, actor) -> Exemption:
    ex = Exemption.objects.select_for_update().select_related("employee").get(pk=exemption.pk)
    if ex.status != ExemptionStatus.PENDING:
        raise ConflictError(MSG_EXEMPTION_DECIDED)
    _refuse_own(actor, ex.employee)
    ex.status = status
    ex.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    ex.decided_at = timezone.now()
    if note:
        ex.note = f"{ex.note}\n{note}".strip()
    set_history_user(ex, actor)
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
    is_staff_actor = roles.is_admin_or_verifier(actor)
    if not is_staff_actor and (employee.user_id is None or employee.user_id != actor.pk):
        raise PermissionDeniedError(MSG_NOT_OWN)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(MSG_REASON_REQUIRED, field="reason")
    if len(reason) < APPEAL_REASON_MIN_LENGTH:
        raise DomainError(MSG_APPEAL_REASON_SHORT, field="reason", code="reason_too_short")
    period_get_or_create(period)
    if not periods_open_for_appeal().filter(period=period).exists():
        raise DomainError(MSG_APPEAL_WINDOW % {"period": period}, code="appeal_window_closed")
    if Appeal.objects.filter(
        employee=employee, period=period, status=AppealStatus.PENDING
    ).exists():
        raise ConflictError(MSG_APPEAL_PENDING)
    if Appeal.objects.filter(employee=employee, period=period).exists():
        raise ConflictError(MSG_APPEAL_ONCE)
    appeal = Appeal(
        employee=employee,
        period=period,
        reason=reason,
        evidence=evidence,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    appeal.full_clean()
    set_history_user(appeal, actor)
    appeal.save()
    _event("appeal_created", period=period, employee=employee, actor=actor, appeal=appeal.pk)
    return appeal


def _live_result(appeal: Appeal, period: Period):
    """The appellant's result as the next write would make it (engine + adjustments), or None
    when the employee is not in scope of the period."""
    rule = (
        period.rule
        if period.status == PeriodStatus.LOCKED and period.rule
        else engine.rule_for_period(period.period)
    )
    rows = adjustments.apply(
        appeal.period,
        engine.evaluate(period=period, rule=rule, employee_ids=[appeal.employee_id]),
        [appeal.employee_id],
    )
    return rows[0] if rows else None


def _actor_or_none(actor):
    """The actor to store on a row: anonymous callers (jobs, the shell) leave it empty."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _remedy_purchase(*, a: Appeal, p: Period, purchase, note: str, actor) -> None:
    """Verify one of the appellant's purchases of the period through the workflow."""
    pk = getattr(purchase, "pk", purchase)
    found = Purchase.objects.filter(pk=pk, employee_id=a.employee_id, period=a.period).first()
    if not pk or found is None:
        raise DomainError(MSG_REMEDY_PURCHASE, field="purchase")
    if p.status == PeriodStatus.LOCKED:
        raise DomainError(MSG_REMEDY_PURCHASE_LOCKED, field="purchase")
    apply_action(document=found, action="verify", actor=actor, comment=note)
    a.remedy_purchase = found


def _remedy_exemption(*, a: Appeal, start, end, note: str, actor) -> None:
    """Grant approved exemption days ``start``–``end`` inside the appeal's month."""
    first, last = period_first_day(a.period), period_last_day(a.period)
    if not (start and end and first <= start <= end <= last):
        raise DomainError(
            MSG_REMEDY_DATES % {"month": indonesian_month(a.period)}, field="exemption_start"
        )
    ex = Exemption(
        employee_id=a.employee_id,
        start_date=start,
        end_date=end,
        reason=ExemptionReason.OTHER,
        note=note,
        status=ExemptionStatus.APPROVED,
        requested_by=_actor_or_none(actor),
        decided_by=_actor_or_none(actor),
        decided_at=timezone.now(),
    )
    ex.full_clean()
    set_history_user(ex, actor)
    ex.save()
    _event("exemption_approved", employee=a.employee_id, actor=actor, exemption=ex.pk)
    a.remedy_exemption = ex


def _whole_rupiah(amount) -> int:
    """A positive whole amount from an int or a string of digits; 0 for anything else."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        return amount
    if isinstance(amount, str) and amount.strip().isdigit():
        return int(amount.strip())
    return 0


def _remedy_reduction(*, a: Appeal, before, amount, reason: str, actor) -> None:
    """Take ``amount`` (at most the current deduction) off the deduction, with a reason."""
    limit = before.deduction_amount if before else 0
    value = _whole_rupiah(amount)
    if not 1 <= value <= limit:
        raise DomainError(MSG_REMEDY_AMOUNT % {"max": format_rupiah(limit)}, field="amount")
    if not (reason or "").strip():
        raise DomainError(MSG_REMEDY_REASON, field="reason")
    adj = DeductionAdjustment(
        employee_id=a.employee_id,
        period=a.period,
        amount=value,
        reason=reason.strip(),
        appeal=a,
        created_by=_actor_or_none(actor),
    )
    adj.full_clean()
    set_history_user(adj, actor)
    adj.save()


def _apply_remedy(
    *,
    a: Appeal,
    p: Period,
    remedy: str,
    note: str,
    actor,
    before,
    purchase,
    exemption_start,
    exemption_end,
    amount,
    reason: str,
) -> None:
    """Record the remedy of an accepted appeal (the caller checks that it changed the result)."""
    if remedy == AppealRemedy.PURCHASE:
        _remedy_purchase(a=a, p=p, purchase=purchase, note=note, actor=actor)
    elif remedy == AppealRemedy.EXEMPTION:
        _remedy_exemption(a=a, start=exemption_start, end=exemption_end, note=note, actor=actor)
    else:  # reduction
        _remedy_reduction(a=a, before=before, amount=amount, reason=reason, actor=actor)


def _pending_appeal_for_update(appeal, actor) -> Appeal:
    """The appeal, row-locked, once the actor may decide it and it is still pending."""
    _require_verifier(actor)
    a = Appeal.objects.select_for_update().select_related("employee").get(pk=appeal.pk)
    _refuse_own(actor, a.employee)
    if a.status != AppealStatus.PENDING:
        raise ConflictError(MSG_APPEAL_DECIDED)
    return a


def _result_key(row):
    return (row.status, row.shortfall, row.deduction_amount) if row else None


def _accept(*, a: Appeal, p: Period, before, remedy: str, note: str, actor, **remedy_args):
    """Apply the remedy, refuse it unless it changes the result, and write the new result
    (a recompute before the lock, a correction after it). Returns (after, outcome)."""
    if remedy not in AppealRemedy.values:
        raise DomainError(MSG_REMEDY_REQUIRED, field="remedy")
    if before is None:
        raise DomainError(MSG_NOT_IN_SCOPE, field="remedy")
    _apply_remedy(a=a, p=p, remedy=remedy, note=note, actor=actor, before=before, **remedy_args)
    after = _live_result(a, p)
    if _result_key(after) == _result_key(before):
        raise DomainError(
            MSG_REMEDY_NO_CHANGE % {"amount": format_rupiah(before.deduction_amount)},
            field="remedy",
            code="remedy_no_change",
        )
    if p.status != PeriodStatus.LOCKED:
        outcome = compute_period(period=a.period, employee_ids=[a.employee_id])
    else:
        outcome = _correct_after_lock(appeal=a, period=p, actor=actor)
    a.remedy = remedy
    return after, outcome


def _record_decision(*, a: Appeal, accept: bool, note: str, actor, before, after, outcome):
    a.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    a.decision_note = note
    a.decided_by = _actor_or_none(actor)
    a.decided_at = timezone.now()
    a.deduction_before = before.deduction_amount if before else None
    a.deduction_after = after.deduction_amount if after else None
    set_history_user(a, actor)
    a.save()
    _event(
        "appeal_accepted" if accept else "appeal_rejected",
        period=a.period,
        employee=a.employee_id,
        actor=actor,
        appeal=a.pk,
        note=note,
        remedy=a.remedy,
        deduction_before=a.deduction_before,
        deduction_after=a.deduction_after,
        outcome={k: v for k, v in outcome.items() if isinstance(v, int | str)},
    )


def _notify_decision(a: Appeal) -> None:
    if not a.employee.user_id:
        return
    title, body = appeal_decision_message(a)
    notify(
        user=a.employee.user,
        title=title,
        body=body,
        url=_portal_home_url(),
        kind="appeal_decided",
        email=True,
    )


@transaction.atomic
def appeal_decide(
    *,
    appeal,
    accept: bool,
    note: str,
    actor,
    remedy: str = "",
    purchase=None,
    exemption_start=None,
    exemption_end=None,
    amount=None,
    reason: str = "",
) -> Appeal:
    """Accept or reject an appeal (ADR 0106). Both need a note for the employee. Accepting
    names its remedy — ``purchase`` (verify that purchase through the workflow), ``exemption``
    (approved days ``exemption_start``–``exemption_end`` in the period) or ``reduction``
    (``amount`` off the deduction, with a ``reason``) — and is refused unless the remedy
    changes the employee's result. The result is written at once: before the lock by a
    recompute of the employee, after it by a correction of the deduction. Nobody decides an
    appeal about themselves. The employee is notified of the outcome, the note and the
    deduction."""
    a = _pending_appeal_for_update(appeal, actor)
    note = (note or "").strip()
    if not note:
        raise DomainError(MSG_APPEAL_NOTE_REQUIRED, field="note")
    p = period_get_or_create(a.period)
    before = _live_result(a, p)
    after, outcome = before, {}
    if accept:
        after, outcome = _accept(
            a=a,
            p=p,
            before=before,
            remedy=remedy,
            note=note,
            actor=actor,
            purchase=purchase,
            exemption_start=exemption_start,
            exemption_end=exemption_end,
            amount=amount,
            reason=reason,
        )
    _record_decision(
        a=a, accept=accept, note=note, actor=actor, before=before, after=after, outcome=outcome
    )
    _notify_decision(a)
    return a


def _portal_home_url() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("portal:employee_home")
    except NoReverseMatch:
        return ""


def appeal_decision_message(appeal: Appeal) -> tuple[str, str]:
    """(title, body) telling the employee the outcome, the note and the deduction, in Rp."""
    month = indonesian_month(appeal.period)
    if appeal.status == AppealStatus.ACCEPTED:
        title = _("Your appeal for %(month)s was accepted") % {"month": month}
        amount = _("Your TPP deduction for %(month)s is now %(new)s (was %(old)s).") % {
            "month": month,
            "new": format_rupiah(appeal.deduction_after or 0),
            "old": format_rupiah(appeal.deduction_before or 0),
        }
    else:
        title = _("Your appeal for %(month)s was rejected") % {"month": month}
        amount = _("Your TPP deduction for %(month)s stays %(amount)s.") % {
            "month": month,
            "amount": format_rupiah(appeal.deduction_after or 0),
        }
    note = _("Verifier's note: %(note)s") % {"note": appeal.decision_note}
    return str(title), f"{note}\n{amount}"


def _correct_after_lock(*, appeal: Appeal, period: Period, actor) -> dict:
    rows = adjustments.apply(
        appeal.period,
        engine.evaluate(
            period=period,
            rule=period.rule or engine.rule_for_period(period.period),
            employee_ids=[appeal.employee_id],
        ),
        [appeal.employee_id],
    )
    current = (
        TppDeduction.objects.filter(employee_id=appeal.employee_id, period=appeal.period)
        .current()
        .filter(status__in=[DeductionStatus.FINAL, DeductionStatus.ACKNOWLEDGED])
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
