import datetime as dt

import pytest
from django.utils import timezone

from ebakul.compliance import services
from ebakul.compliance.models import (
    Appeal,
    ComplianceEvent,
    Exemption,
    MonthlyCompliance,
    Period,
    TppDeduction,
)
from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from tests import clock

from .conftest import PERIOD, YEAR, wib

REASON = "Pembelian saya belum terhitung bulan ini"


@pytest.fixture
def two_short(ctx, employee_user):
    """The appellant (with a login) and a colleague, both short by Rp300.000."""
    appellant = employee_user.employee
    appellant.tpp_ceiling = 5_000_000
    appellant.save()
    colleague = ctx.employee()
    for e in (appellant, colleague):
        ctx.buy(e, 200_000)
    clock.compute_period(period=PERIOD)
    return appellant, colleague


def rows(*employees):
    return {
        e.pk: MonthlyCompliance.objects.filter(employee=e, period=PERIOD).values().get()
        for e in employees
    }


def test_accepted_appeal_before_lock_changes_exactly_that_employee(
    ctx, two_short, employee_user, verifier
):
    appellant, colleague = two_short
    # a purchase verified late for each; only the appellant contests
    late_a = ctx.buy(appellant, 300_000, status="merchant_confirmed")
    late_c = ctx.buy(colleague, 300_000, status="merchant_confirmed")
    type(late_c).objects.filter(pk=late_c.pk).update(status="verified")
    before = rows(appellant, colleague)

    appeal = services.appeal_create(
        employee=appellant,
        period=PERIOD,
        reason="Nota saya belum diverifikasi",
        actor=employee_user,
    )
    # accepting names its remedy: count the purchase (verified through the workflow engine)
    decided = services.appeal_decide(
        appeal=appeal, accept=True, note="Benar", actor=verifier, remedy="purchase", purchase=late_a
    )
    late_a.refresh_from_db()
    assert late_a.status == "verified"

    after = rows(appellant, colleague)
    assert decided.status == "accepted" and decided.decided_by == verifier
    assert after[colleague.pk] == before[colleague.pk]
    assert (after[appellant.pk]["verified_spend"], after[appellant.pk]["status"]) == (
        500_000,
        "compliant",
    )
    assert after[appellant.pk]["id"] == before[appellant.pk]["id"]
    assert TppDeduction.objects.get(employee=appellant).deduction_amount == 0
    assert TppDeduction.objects.get(employee=colleague).deduction_amount == 300_000
    assert ComplianceEvent.objects.filter(kind="appeal_accepted", employee=appellant).exists()


def test_rejected_appeal_changes_nothing(ctx, two_short, employee_user, verifier):
    appellant, colleague = two_short
    ctx.buy(appellant, 300_000)
    before = rows(appellant, colleague)
    appeal = services.appeal_create(
        employee=appellant,
        period=PERIOD,
        reason="Saya cuti sepanjang bulan ini",
        actor=employee_user,
    )
    with pytest.raises(DomainError):
        services.appeal_decide(appeal=appeal, accept=False, note="", actor=verifier)
    services.appeal_decide(appeal=appeal, accept=False, note="Tidak ada bukti", actor=verifier)
    assert rows(appellant, colleague) == before
    with pytest.raises(ConflictError):
        services.appeal_decide(appeal=appeal, accept=True, note="", actor=verifier)
    assert Appeal.objects.get(pk=appeal.pk).status == "rejected"


def test_accepted_appeal_after_lock_supersedes_the_deduction(
    ctx, two_short, employee_user, verifier
):
    appellant, colleague = two_short
    appeal = services.appeal_create(
        employee=appellant,
        period=PERIOD,
        reason="Cuti besar sepanjang bulan ini",
        actor=employee_user,
    )
    clock.lock_period(period=PERIOD)
    old = TppDeduction.objects.get(employee=appellant, period=PERIOD)
    assert (old.status, old.deduction_amount) == ("final", 300_000)
    # the employee was on leave the whole month: the remedy grants the exemption
    services.appeal_decide(
        appeal=appeal,
        accept=True,
        note="Cuti besar",
        actor=verifier,
        remedy="exemption",
        exemption_start=dt.date(YEAR, 1, 1),
        exemption_end=dt.date(YEAR, 1, 31),
    )
    assert Exemption.objects.get(employee=appellant).status == "approved"

    old.refresh_from_db()
    assert (old.status, old.deduction_amount, old.version) == ("cancelled", 300_000, 1)
    new = TppDeduction.objects.get(employee=appellant, period=PERIOD, version=2)
    assert (new.status, new.deduction_amount, new.supersedes_id) == ("final", 0, old.pk)
    assert MonthlyCompliance.objects.get(employee=appellant, period=PERIOD).status == "exempt"
    assert TppDeduction.objects.get(employee=colleague).status == "final"
    assert ComplianceEvent.objects.filter(kind="deduction_corrected").count() == 1


def test_appeal_only_in_the_window_and_only_own(ctx, employee_user, verifier):
    appellant = employee_user.employee
    other = ctx.employee()
    with pytest.raises(DomainError) as exc:  # not computed yet
        services.appeal_create(
            employee=appellant, period=PERIOD, reason=REASON, actor=employee_user
        )
    assert exc.value.code == "appeal_window_closed"
    clock.compute_period(period=PERIOD)
    with pytest.raises(PermissionDeniedError):
        services.appeal_create(employee=other, period=PERIOD, reason=REASON, actor=employee_user)
    Period.objects.filter(period=PERIOD).update(appeal_close=timezone.now() - dt.timedelta(1))
    with pytest.raises(DomainError):
        services.appeal_create(
            employee=appellant, period=PERIOD, reason=REASON, actor=employee_user
        )
    assert not Appeal.objects.exists()


def test_one_pending_appeal_at_a_time(ctx, two_short, employee_user):
    appellant, _ = two_short
    services.appeal_create(employee=appellant, period=PERIOD, reason=REASON, actor=employee_user)
    with pytest.raises(ConflictError):
        services.appeal_create(
            employee=appellant, period=PERIOD, reason=REASON, actor=employee_user
        )
    assert Appeal.objects.count() == 1


def test_appeal_decision_needs_a_verifier(ctx, two_short, employee_user):
    appellant, _ = two_short
    appeal = services.appeal_create(
        employee=appellant, period=PERIOD, reason=REASON, actor=employee_user
    )
    with pytest.raises(PermissionDeniedError):
        services.appeal_decide(appeal=appeal, accept=True, note="", actor=employee_user)
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"


def test_acknowledge_is_idempotent_and_conflicts_otherwise(ctx, two_short):
    appellant, _ = two_short
    draft = TppDeduction.objects.get(employee=appellant)
    at = wib(YEAR, 2, 25, 10, 0)
    with pytest.raises(ConflictError):
        services.deduction_acknowledge(
            deduction=draft, etpp_reference="E1", applied_amount=300_000, applied_at=at, actor=None
        )
    clock.lock_period(period=PERIOD)
    d = services.deduction_acknowledge(
        deduction=draft, etpp_reference="E1", applied_amount=300_000, applied_at=at, actor=None
    )
    assert (d.status, d.etpp_reference, d.applied_amount) == ("acknowledged", "E1", 300_000)
    again = services.deduction_acknowledge(
        deduction=draft, etpp_reference="E1", applied_amount=300_000, applied_at=at, actor=None
    )
    assert again.pk == d.pk and again.updated_at == d.updated_at
    with pytest.raises(ConflictError):
        services.deduction_acknowledge(
            deduction=draft, etpp_reference="E2", applied_amount=300_000, applied_at=at, actor=None
        )
    with pytest.raises(ConflictError):
        services.deduction_acknowledge(
            deduction=draft, etpp_reference="E1", applied_amount=1, applied_at=at, actor=None
        )
    d.refresh_from_db()
    assert (d.etpp_reference, d.applied_amount) == ("E1", 300_000)


def test_correction_before_lock_is_refused(ctx, two_short, verifier):
    appellant, _ = two_short
    d = TppDeduction.objects.get(employee=appellant)
    with pytest.raises(ConflictError):
        services.deduction_correct(deduction=d, deduction_amount=0, reason=REASON, actor=verifier)
    d.refresh_from_db()
    assert (d.status, d.deduction_amount, TppDeduction.objects.count()) == ("draft", 300_000, 2)


def test_correction_of_a_cancelled_version_is_refused(ctx, two_short, verifier):
    appellant, _ = two_short
    clock.lock_period(period=PERIOD)
    d = TppDeduction.objects.get(employee=appellant)
    services.deduction_correct(deduction=d, deduction_amount=100, reason="salah", actor=verifier)
    with pytest.raises(ConflictError):
        services.deduction_correct(deduction=d, deduction_amount=5, reason="lagi", actor=verifier)
    assert TppDeduction.objects.filter(employee=appellant).count() == 2


def test_exemption_approval_needs_an_administrator(ctx, verifier):
    e = ctx.employee()
    ex = services.exemption_create(
        employee=e,
        start_date=dt.date(YEAR, 1, 1),
        end_date=dt.date(YEAR, 1, 31),
        reason="study",
        actor=verifier,
    )
    with pytest.raises(PermissionDeniedError):
        services.exemption_approve(exemption=ex, actor=verifier)
    assert Exemption.objects.get(pk=ex.pk).status == "pending"


def test_the_service_refuses_an_appeal_reason_under_20_characters(ctx, two_short, employee_user):
    """The rule lives in appeal_create (the portal form only mirrors it for its message)."""
    appellant, _ = two_short
    for short in ("Nota belum dihitung", "   Nota belum dihitung   "):  # 19 characters
        with pytest.raises(DomainError) as exc:
            services.appeal_create(
                employee=appellant, period=PERIOD, reason=short, actor=employee_user
            )
        assert (exc.value.code, exc.value.field) == ("reason_too_short", "reason")
        assert "20" in str(exc.value.message)
    assert not Appeal.objects.exists()
    appeal = services.appeal_create(
        employee=appellant, period=PERIOD, reason="Nota belum dihitung.", actor=employee_user
    )
    assert appeal.reason == "Nota belum dihitung."


def test_the_appeal_window_is_one_definition(ctx, two_short, employee_user):
    """The portal offers exactly the months appeal_create accepts: up to the appeal close."""
    from ebakul.compliance.selectors import periods_open_for_appeal

    appellant, _ = two_short
    close = Period.objects.get(period=PERIOD).appeal_close
    assert list(periods_open_for_appeal(at=close).values_list("period", flat=True)) == [PERIOD]
    assert not periods_open_for_appeal(at=close + dt.timedelta(seconds=1)).exists()
    with clock.travel(close + dt.timedelta(seconds=1)), pytest.raises(DomainError) as exc:
        services.appeal_create(
            employee=appellant, period=PERIOD, reason=REASON, actor=employee_user
        )
    assert exc.value.code == "appeal_window_closed"
