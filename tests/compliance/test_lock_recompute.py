"""Issue 11, item 1: the lock recomputes from the latest facts (ADR 0100).

Compute at the verification close, then — inside the appeal window — a pending purchase is
verified and a full-month exemption approved, then the period is locked at the appeal close.
The e-TPP export must equal an independent recomputation made at lock time from the policy in
the mission (required = max(floor, rate × ceiling); verified purchases of the month at verified
merchants, recorded before the submission close; a full-month exemption → exempt), and each
employee whose result changed is told the computed and the final figure."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ebakul.api.models import SCOPE_READ
from ebakul.api.services import api_key_create, integration_client_create
from ebakul.compliance import selectors, services
from ebakul.compliance.models import (
    ComplianceEvent,
    Exemption,
    ExemptionStatus,
    MonthlyCompliance,
    Period,
    SpendingRule,
)
from ebakul.core.models import Notification
from ebakul.core.periods import period_bounds, period_first_day, period_last_day
from ebakul.merchants.models import MerchantVerificationSpan
from ebakul.purchases.models import Purchase
from ebakul.workflow.services import apply_action
from tests import clock
from tests.factories import UserFactory

from .conftest import PERIOD


def independent_expectation(period: str) -> dict[str, dict]:
    """nip → the figures e-TPP must receive, computed here from the raw facts without the
    engine: the default policy of docs/mission.md (sanction "shortfall")."""
    rule = SpendingRule.objects.filter(effective_from__lte=period_last_day(period)).first()
    p = Period.objects.get(period=period)
    start, end = period_bounds(period)
    first, last = period_first_day(period), period_last_day(period)
    out = {}
    for row in MonthlyCompliance.objects.filter(period=period).select_related("employee"):
        e = row.employee
        ceiling = e.tpp_ceiling
        exemptions = Exemption.objects.filter(employee=e, status=ExemptionStatus.APPROVED)
        assert all(
            x.start_date <= first and x.end_date >= last
            for x in exemptions
            if x.start_date <= last and x.end_date >= first
        ), "this check covers full-month exemptions only"
        if any(x.start_date <= first and x.end_date >= last for x in exemptions):
            out[e.nip] = {"required_spend": 0, "shortfall": 0, "deduction_amount": 0}
            continue
        verified = 0
        for pur in Purchase.objects.filter(employee=e, status="verified"):
            at_verified_merchant = MerchantVerificationSpan.objects.filter(
                merchant=pur.merchant, verified_from__lte=pur.purchased_at
            ).exclude(verified_until__lte=pur.purchased_at)
            if (
                start <= pur.purchased_at < end
                and pur.created_at < p.submission_close
                and at_verified_merchant.exists()
            ):
                verified += pur.amount
        by_rate = -(-ceiling * rule.rate_bp // 10_000)  # rounded up to the rupiah
        required = max(rule.floor_amount, by_rate)
        shortfall = max(0, required - verified)
        out[e.nip] = {
            "required_spend": required,
            "shortfall": shortfall,
            "deduction_amount": shortfall,
            "verified_spend": verified,
        }
    return out


def export_rows(period: str) -> dict[str, dict]:
    client = integration_client_create(name="e-TPP test")
    issued = api_key_create(client=client, scopes=(SCOPE_READ,))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.raw}")
    response = api.get(f"/api/v1/periods/{period}/deductions/")
    assert response.status_code == 200, response.content
    return {r["nip"]: r for r in response.json()["results"]}


@pytest.fixture
def world(ctx):
    users = [UserFactory(username=f"pegawai-lock-{i}") for i in range(3)]
    late = ctx.employee(tpp_ceiling=5_000_000, user=users[0])  # requires Rp500.000
    on_leave = ctx.employee(tpp_ceiling=7_190_000, user=users[1])  # requires Rp719.000
    steady = ctx.employee(tpp_ceiling=2_000_000, user=users[2])  # the floor, Rp300.000
    ctx.buy(late, 92_500)
    pending = ctx.buy(late, 87_000, status="merchant_confirmed")
    ctx.buy(steady, 100_000)
    return late, on_leave, steady, pending


def test_lock_uses_facts_changed_after_the_compute(
    ctx, world, admin_user, verifier, django_capture_on_commit_callbacks
):
    late, on_leave, steady, pending = world
    p = selectors.period_get_or_create(PERIOD)
    clock.compute_period(period=PERIOD, actor=admin_user)
    computed = {r.employee_id: r for r in MonthlyCompliance.objects.filter(period=PERIOD)}
    assert computed[late.pk].deduction_amount == 500_000 - 92_500
    assert computed[on_leave.pk].status == "shortfall"

    # In the appeal window: a verifier verifies the pending purchase, the administrator
    # approves a full-month leave.
    with clock.travel(p.verification_close + dt.timedelta(days=2)):
        apply_action(document=pending, action="verify", actor=verifier)
        leave = services.exemption_create(
            employee=on_leave,
            start_date=period_first_day(PERIOD),
            end_date=period_last_day(PERIOD),
            reason="leave",
            actor=admin_user,
        )
        services.exemption_approve(exemption=leave, actor=admin_user)
    pending.refresh_from_db()
    assert pending.status == "verified"

    with (
        clock.travel(p.appeal_close + dt.timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        stats = services.lock_period(period=PERIOD, actor=admin_user)

    assert stats["changed_since_compute"] == 2
    expected = independent_expectation(PERIOD)
    exported = export_rows(PERIOD)
    assert set(exported) == {late.nip, on_leave.nip, steady.nip} == set(expected)
    for nip, want in expected.items():
        got = exported[nip]
        assert got["status"] == "final"
        for field in ("required_spend", "shortfall", "deduction_amount"):
            assert got[field] == want[field], (nip, field, got, want)
    assert exported[late.nip]["deduction_amount"] == 500_000 - 92_500 - 87_000
    assert exported[late.nip]["verified_spend"] == 179_500
    assert exported[on_leave.nip]["deduction_amount"] == 0
    assert MonthlyCompliance.objects.get(employee=on_leave, period=PERIOD).status == "exempt"

    # Told: the two whose result changed, with the old and the new figure, in Indonesian.
    notes = {n.user_id: n for n in Notification.objects.filter(kind="result_changed_at_lock")}
    assert set(notes) == {late.user_id, on_leave.user_id}
    body = notes[late.user_id].body
    assert "Rp407.500" in body and "Rp320.500" in body and "potongan" in body
    assert "Rp719.000" in notes[on_leave.user_id].body
    assert "Dikecualikan" in notes[on_leave.user_id].body
    event = ComplianceEvent.objects.get(kind="locked", period=PERIOD)
    assert event.data["changed_since_compute"] == 2
    assert selectors.period_lock_changes(period=PERIOD) == 2


def test_lock_with_nothing_changed_notifies_nobody_and_writes_no_result(
    ctx, world, admin_user, django_capture_on_commit_callbacks
):
    clock.compute_period(period=PERIOD, actor=admin_user)
    before = list(MonthlyCompliance.objects.order_by("pk").values_list("pk", "computed_at"))
    with django_capture_on_commit_callbacks(execute=True):
        stats = clock.lock_period(period=PERIOD, actor=admin_user)
    assert stats["changed_since_compute"] == 0 and stats["finalised"] == 3
    assert list(MonthlyCompliance.objects.order_by("pk").values_list("pk", "computed_at")) == (
        before
    )  # changed rows only: none
    assert not Notification.objects.filter(kind="result_changed_at_lock").exists()
