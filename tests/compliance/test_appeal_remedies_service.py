"""Appeals with outcomes and remedies (issue 11, item 5; ADR 0106): a decision always carries a
note, an acceptance names a remedy that changes the result, each remedy reaches the next compute,
the lock, the correction after the lock and the e-TPP export, and the employee is told."""

import datetime as dt

import pytest

from ebakul.compliance import services
from ebakul.compliance.models import (
    Appeal,
    ComplianceEvent,
    DeductionAdjustment,
    Exemption,
    MonthlyCompliance,
    TppDeduction,
)
from ebakul.core.errors import DomainError, PermissionDeniedError
from ebakul.core.models import Notification
from ebakul.core.periods import period_first_day, period_last_day
from ebakul.purchases.models import Purchase
from tests import clock

from . import remedy_world as w

pytestmark = pytest.mark.django_db(transaction=False)

MONTHS_ID = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"


def month_id(period: str) -> str:
    first = period_first_day(period)
    return f"{MONTHS_ID.split()[first.month - 1]} {first.year}"


class World:
    def __init__(self, appellant, period, shop, pending, appeal):
        self.appellant, self.period, self.shop = appellant, period, shop
        self.pending, self.appeal = pending, appeal

    def result(self):
        return MonthlyCompliance.objects.get(employee=self.appellant, period=self.period)

    def snapshot(self):
        return (
            MonthlyCompliance.objects.filter(period=self.period)
            .values()
            .get(employee=self.appellant),
            list(TppDeduction.objects.filter(period=self.period).values()),
            Appeal.objects.filter(pk=self.appeal.pk).values().get(),
            Purchase.objects.get(pk=self.pending.pk).status,
            Exemption.objects.count(),
            DeductionAdjustment.objects.count(),
            ComplianceEvent.objects.filter(kind__startswith="appeal_").count(),
        )


@pytest.fixture
def world(ref, employee_user, admin_user):
    """The appellant: Rp200.000 verified, Rp300.000 confirmed by the merchant but not verified,
    Rp500.000 required → short Rp300.000; the period computed, an appeal pending."""
    appellant, period, shop, pending = w.computed_shortfall(
        employee_user, admin_user, second_status="merchant_confirmed"
    )
    appeal = services.appeal_create(
        employee=appellant,
        period=period,
        reason="Nota Rp300.000 belum diverifikasi",
        actor=employee_user,
    )
    return World(appellant, period, shop, pending, appeal)


def decide(world, actor, **kw):
    kw.setdefault("note", "Sudah diperiksa")
    return services.appeal_decide(appeal=world.appeal, actor=actor, **kw)


# --- refusals ---------------------------------------------------------------------------------


def test_reject_without_a_note_is_refused_and_nothing_changes(world, verifier):
    before = world.snapshot()
    for note in ("", "   "):
        with pytest.raises(DomainError) as exc:
            decide(world, verifier, accept=False, note=note)
        assert exc.value.field == "note"
        assert "catatan" in str(exc.value.message).lower()
    assert world.snapshot() == before


def test_accept_without_a_remedy_is_refused_and_nothing_changes(world, verifier):
    before = world.snapshot()
    with pytest.raises(DomainError) as exc:
        decide(world, verifier, accept=True)
    assert exc.value.field == "remedy"
    assert "tindak lanjut" in str(exc.value.message)
    with pytest.raises(DomainError):
        decide(world, verifier, accept=True, remedy="recompute")
    assert world.snapshot() == before


def test_accept_with_a_remedy_that_changes_nothing_is_refused_and_rolled_back(world, verifier):
    # a purchase at a business not verified when it was bought does not count: verifying it
    # would change nothing, so the acceptance is refused and the verification rolled back
    from tests.factories import MerchantFactory

    unverified = MerchantFactory(status="submitted")
    useless = w.buy(world.appellant, 400_000, shop=unverified, status="merchant_confirmed")
    before = world.snapshot()
    with pytest.raises(DomainError) as exc:
        decide(world, verifier, accept=True, remedy="purchase", purchase=useless)
    assert exc.value.code == "remedy_no_change"
    assert "Rp300.000" in str(exc.value.message)
    assert world.snapshot() == before
    assert Purchase.objects.get(pk=useless.pk).status == "merchant_confirmed"


def test_reduction_limits_and_reason(world, verifier):
    before = world.snapshot()
    for amount, reason in ((0, "x"), (300_001, "x"), ("12abc", "x"), (100_000, " ")):
        with pytest.raises(DomainError):
            decide(world, verifier, accept=True, remedy="reduction", amount=amount, reason=reason)
    with pytest.raises(DomainError):  # exemption dates outside the month
        decide(
            world,
            verifier,
            accept=True,
            remedy="exemption",
            exemption_start=period_first_day(world.period) - dt.timedelta(days=1),
            exemption_end=period_first_day(world.period),
        )
    with pytest.raises(DomainError):  # a purchase of someone else
        other = w.buy(w.employee(), 100_000, shop=world.shop, status="merchant_confirmed")
        decide(world, verifier, accept=True, remedy="purchase", purchase=other)
    assert world.snapshot() == before


def test_nobody_decides_an_appeal_about_themselves(world, verifier):
    from ebakul.accounts import roles
    from tests.factories import UserFactory

    # the appellant is also a verifier
    world.appellant.user.groups.add(type(verifier.groups.first()).objects.get(name=roles.VERIFIER))
    before = world.snapshot()
    with pytest.raises(PermissionDeniedError):
        decide(world, world.appellant.user, accept=True, remedy="reduction", amount=1, reason="x")
    assert world.snapshot() == before
    other = UserFactory(username="verifikator2", role=roles.VERIFIER)
    assert decide(world, other, accept=False).status == "rejected"


# --- each remedy changes the result at the next compute, at the lock and in the export --------


def test_remedy_count_a_purchase(world, verifier, admin_user):
    decided = decide(world, verifier, accept=True, remedy="purchase", purchase=world.pending)
    assert (decided.status, decided.remedy, decided.remedy_purchase_id) == (
        "accepted",
        "purchase",
        world.pending.pk,
    )
    assert Purchase.objects.get(pk=world.pending.pk).status == "verified"
    r = world.result()
    assert (r.verified_spend, r.status, r.deduction_amount) == (500_000, "compliant", 0)
    assert (decided.deduction_before, decided.deduction_after) == (300_000, 0)
    clock.compute_period(period=world.period, actor=admin_user)
    clock.lock_period(period=world.period, actor=admin_user)
    row = w.export_rows(w.api_client(), world.period)[world.appellant.nip]
    assert (row["verified_spend"], row["deduction_amount"], row["adjustment_amount"]) == (
        500_000,
        0,
        0,
    )


def test_remedy_grant_an_exemption(world, verifier, admin_user):
    first, last = period_first_day(world.period), period_last_day(world.period)
    decided = decide(
        world, verifier, accept=True, remedy="exemption", exemption_start=first, exemption_end=last
    )
    ex = decided.remedy_exemption
    assert (ex.status, ex.start_date, ex.end_date, ex.decided_by) == (
        "approved",
        first,
        last,
        verifier,
    )
    assert (world.result().status, world.result().deduction_amount) == ("exempt", 0)
    clock.compute_period(period=world.period, actor=admin_user)
    clock.lock_period(period=world.period, actor=admin_user)
    row = w.export_rows(w.api_client(), world.period)[world.appellant.nip]
    assert (row["deduction_amount"], row["required_spend"]) == (0, 0)


def test_remedy_reduce_the_deduction_survives_recompute_lock_and_reaches_the_export(
    world, verifier, admin_user
):
    colleague = w.employee()
    clock.compute_period(period=world.period, actor=admin_user)
    decided = decide(
        world,
        verifier,
        accept=True,
        remedy="reduction",
        amount=100_000,
        reason="Aplikasi gangguan 3 hari",
    )
    adj = DeductionAdjustment.objects.get()
    assert (adj.employee, adj.period, adj.amount, adj.appeal) == (
        world.appellant,
        world.period,
        100_000,
        decided,
    )
    assert adj.history.count() == 1
    r = world.result()
    assert (r.shortfall, r.status, r.deduction_amount) == (300_000, "shortfall", 200_000)
    assert TppDeduction.objects.get(employee=world.appellant).deduction_amount == 200_000
    # a full recompute keeps the reduction; the colleague is untouched
    stats = clock.compute_period(period=world.period, actor=admin_user)
    assert world.result().deduction_amount == 200_000
    assert stats["deduction_total"] == 200_000 + 500_000
    clock.lock_period(period=world.period, actor=admin_user)
    final = TppDeduction.objects.get(employee=world.appellant)
    assert (final.status, final.deduction_amount) == ("final", 200_000)
    api = w.api_client()
    rows = w.export_rows(api, world.period)
    mine, theirs = rows[world.appellant.nip], rows[colleague.nip]
    assert (mine["shortfall"], mine["deduction_amount"]) == (300_000, 200_000)
    assert (mine["adjustment_amount"], mine["adjustment_reason"]) == (
        100_000,
        "Aplikasi gangguan 3 hari",
    )
    assert (theirs["deduction_amount"], theirs["adjustment_amount"]) == (500_000, 0)
    # the employee's compliance endpoint shows the same
    body = api.get(
        f"/api/v1/employees/{world.appellant.nip}/compliance/?period={world.period}"
    ).json()
    assert (body["deduction"]["deduction_amount"], body["deduction"]["adjustment_amount"]) == (
        200_000,
        100_000,
    )


def test_reduction_after_the_lock_corrects_the_deduction(world, verifier, admin_user):
    clock.lock_period(period=world.period, actor=admin_user)
    old = TppDeduction.objects.get(employee=world.appellant)
    assert old.deduction_amount == 300_000
    with pytest.raises(DomainError):  # a purchase cannot be verified in a locked period
        decide(world, verifier, accept=True, remedy="purchase", purchase=world.pending)
    decide(world, verifier, accept=True, remedy="reduction", amount=50_000, reason="Gangguan")
    old.refresh_from_db()
    new = TppDeduction.objects.get(employee=world.appellant, version=2)
    assert (old.status, new.status, new.deduction_amount, new.supersedes_id) == (
        "cancelled",
        "final",
        250_000,
        old.pk,
    )
    row = w.export_rows(w.api_client(), world.period)[world.appellant.nip]
    assert (row["id"], row["version"], row["deduction_amount"], row["adjustment_amount"]) == (
        new.pk,
        2,
        250_000,
        50_000,
    )


# --- the employee is told --------------------------------------------------------------------


def test_the_employee_is_notified_of_outcome_note_and_new_deduction(
    world, verifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            world,
            verifier,
            accept=True,
            note="Nota Anda sah",
            remedy="reduction",
            amount=100_000,
            reason="Gangguan",
        )
    n = Notification.objects.get(user=world.appellant.user, kind="appeal_decided")
    assert n.title == f"Sanggahan Anda untuk {month_id(world.period)} diterima"
    assert "Catatan verifikator: Nota Anda sah" in n.body
    assert "Rp200.000" in n.body and "sebelumnya Rp300.000" in n.body


def test_a_rejection_notification_says_so_with_the_note(
    world, verifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, verifier, accept=False, note="Bukti tidak terbaca")
    n = Notification.objects.get(user=world.appellant.user, kind="appeal_decided")
    assert n.title == f"Sanggahan Anda untuk {month_id(world.period)} ditolak"
    assert "Bukti tidak terbaca" in n.body and "tetap Rp300.000" in n.body


def test_a_decided_appeal_cannot_be_filed_again(world, verifier, employee_user):
    from ebakul.core.errors import ConflictError

    decide(world, verifier, accept=False, note="Tidak ada bukti")
    with pytest.raises(ConflictError):
        services.appeal_create(
            employee=world.appellant,
            period=world.period,
            reason="Saya ajukan banding lagi untuk bulan ini",
            actor=employee_user,
        )
    assert Appeal.objects.count() == 1
