import datetime as dt

import pytest
from django.core.management import call_command

from ebakul.core.errors import DomainError
from ebakul.core.periods import WIB, current_period, period_last_day, previous_period
from ebakul.employees.models import WorkUnit
from ebakul.integrity import behaviour, services
from ebakul.integrity.models import (
    BehaviourFinding,
    PaymentReference,
    PurchaseRisk,
    RiskPolicy,
    Route,
    SignalWeight,
)
from ebakul.integrity.selectors import weights_in_force
from ebakul.purchases.services import receipt_reading_store
from ebakul.workflow.models import WorkflowEvent
from tests.factories import (
    EmployeeFactory,
    PurchaseFactory,
    enable_system_verification,
    verified_merchant,
)

pytestmark = pytest.mark.django_db

PERIOD = previous_period(current_period())


def at(day: int, hour: int = 12) -> dt.datetime:
    last = period_last_day(PERIOD)
    return dt.datetime(last.year, last.month, day, hour, tzinfo=WIB)


def codes(period=PERIOD):
    out: dict[str, set[int]] = {}
    for code, pid in BehaviourFinding.objects.filter(period=period).values_list(
        "signal_code", "purchase_id"
    ):
        out.setdefault(code, set()).add(pid)
    return out


def test_few_buyers_positive_and_negative(ref):
    few, many = verified_merchant(), verified_merchant()
    buyers = [EmployeeFactory() for _ in range(2)]
    flagged = [
        PurchaseFactory(merchant=few, employee=buyers[i % 2], purchased_at=at(2 + i % 10))
        for i in range(10)
    ]
    for i in range(10):
        PurchaseFactory(merchant=many, purchased_at=at(2 + i % 10))
    behaviour.scan_period(PERIOD)
    assert codes().get("merchant_few_buyers") == {p.pk for p in flagged}
    risk = PurchaseRisk.objects.get(purchase=flagged[0])
    assert {r.signal_code for r in risk.reasons.all()} == {"merchant_few_buyers"}
    assert risk.reasons.get().related_merchant_id == few.pk
    # Alone it sends the claim to a person (normal review), not to the system nor to an
    # investigation (ADR 0201): a paper merchant's claims are never verified unseen.
    assert risk.route == Route.REVIEW


def test_one_unit_positive_and_negative(ref):
    units = list(WorkUnit.objects.all()[:3])
    one, mixed = verified_merchant(), verified_merchant()
    flagged = [
        PurchaseFactory(
            merchant=one, employee=EmployeeFactory(work_unit=units[0]), purchased_at=at(5)
        )
        for _ in range(10)
    ]
    for i in range(10):
        PurchaseFactory(
            merchant=mixed, employee=EmployeeFactory(work_unit=units[i % 3]), purchased_at=at(5)
        )
    behaviour.scan_period(PERIOD)
    assert codes().get("merchant_one_unit") == {p.pk for p in flagged}
    assert PurchaseRisk.objects.get(purchase=flagged[0]).route == Route.REVIEW


def test_month_end_burst_positive_and_negative(ref):
    last = period_last_day(PERIOD).day
    burst, steady = verified_merchant(), verified_merchant()
    flagged = [PurchaseFactory(merchant=burst, purchased_at=at(last - i % 3, 20)) for i in range(9)]
    PurchaseFactory(merchant=burst, purchased_at=at(3))
    for i in range(12):
        PurchaseFactory(merchant=steady, purchased_at=at(1 + i * 2 % (last - 1)))
    behaviour.scan_period(PERIOD)
    assert codes().get("month_end_burst") == {p.pk for p in flagged}


def test_whole_requirement_at_a_new_merchant(ref, monkeypatch):
    e1, e2 = EmployeeFactory(), EmployeeFactory()
    old = verified_merchant()
    PurchaseFactory(employee=e2, merchant=old, amount=100_000, purchased_at=at(1))
    monkeypatch.setattr(
        behaviour, "_REQUIREMENT", {"t": lambda period: {e1.pk: 400_000, e2.pk: 400_000}}
    )
    PurchaseFactory(employee=e1, amount=100_000, purchased_at=at(2))
    whole = PurchaseFactory(employee=e1, amount=300_000, purchased_at=at(3))  # the remainder
    # e2: the remainder too, but at a merchant already used: not flagged
    PurchaseFactory(employee=e2, merchant=old, amount=300_000, purchased_at=at(4))
    behaviour.scan_period(PERIOD)
    assert codes().get("whole_requirement_new_merchant") == {whole.pk}


def test_scan_replaces_findings_and_rescores(ref):
    few = verified_merchant()
    buyer = EmployeeFactory()
    purchases = [
        PurchaseFactory(merchant=few, employee=buyer, purchased_at=at(4)) for _ in range(10)
    ]
    behaviour.scan_period(PERIOD)
    assert PurchaseRisk.objects.get(purchase=purchases[0]).score == 25  # the signal's weight
    purchases[0].status = "rejected"
    purchases[0].save()
    behaviour.scan_period(PERIOD)
    assert "merchant_few_buyers" not in codes()
    assert PurchaseRisk.objects.get(purchase=purchases[1]).score == 0


def test_payment_reference_reused_flags_the_later_claim_only(ref):
    first = PurchaseFactory(payment_method="qris", qris_reference="ref-0001 23")
    second = PurchaseFactory(payment_method="qris", qris_reference="REF000123")
    other = PurchaseFactory(payment_method="qris", qris_reference="REF000124")
    for p in (first, second, other):
        services.record_facts(p, with_receipt=False)
    for p in (first, second, other):
        services.score_purchase(p)
    assert PaymentReference.objects.get(purchase=second).reference == "REF000123"
    risk = PurchaseRisk.objects.get(purchase=second)
    reason = risk.reasons.get()
    assert (reason.signal_code, reason.related_purchase_id) == (
        "payment_reference_reused",
        first.pk,
    )
    assert PurchaseRisk.objects.get(purchase=first).score == 0
    assert PurchaseRisk.objects.get(purchase=other).score == 0


def test_weights_are_effective_dated_and_thresholds_route(ref):
    today = dt.date.today()
    SignalWeight.objects.create(
        signal_code="payment_reference_reused",
        weight=30,
        effective_from=today - dt.timedelta(days=10),
    )
    SignalWeight.objects.create(
        signal_code="payment_reference_reused",
        weight=90,
        effective_from=today + dt.timedelta(days=10),
    )
    assert weights_in_force()["payment_reference_reused"] == 30
    assert weights_in_force(today + dt.timedelta(days=11))["payment_reference_reused"] == 90
    RiskPolicy.objects.create(
        effective_from=today - dt.timedelta(days=1),
        review_from=20,
        investigate_from=40,
        audit_sample_percent=0,
    )
    a = PurchaseFactory(payment_method="qris", qris_reference="X1")
    b = PurchaseFactory(payment_method="qris", qris_reference="X1")
    for p in (a, b):
        services.record_facts(p, with_receipt=False)
    assert services.score_purchase(b).route == Route.REVIEW  # 30: review, not investigation
    assert services.score_purchase(a).route == Route.AUTO_VERIFIED


def test_audit_draw_is_reproducible_and_follows_the_percentage(ref):
    policy = RiskPolicy(
        effective_from=dt.date(2020, 1, 1), audit_sample_percent=10, audit_seed="s1"
    )
    routes = [services.route_for(0, policy, f"s1:EBK-{i}")[0] for i in range(2000)]
    share = routes.count(Route.AUDIT_SAMPLE) / len(routes)
    assert 0.08 < share < 0.12
    assert routes == [services.route_for(0, policy, f"s1:EBK-{i}")[0] for i in range(2000)]
    p = PurchaseFactory()
    risk = services.score_purchase(p)
    assert risk.audit_seed.endswith(p.document_number)
    assert risk.audit_draw == services.audit_draw(risk.audit_seed)


def test_low_risk_confirmed_purchase_is_verified_by_the_system(
    ref, django_capture_on_commit_callbacks
):
    enable_system_verification(audit_sample_percent=0)
    low = PurchaseFactory(status="merchant_confirmed", amount=50_000)
    # Not before its receipt is read: the route is low, the system waits (docs/adr/0232), and
    # the engine's gate refuses the automatic step with the reason.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.score_purchase(low).route == Route.AUTO_VERIFIED
    low.refresh_from_db()
    assert low.status == "merchant_confirmed"
    with pytest.raises(DomainError) as exc:
        services.auto_verify_gate(low, "auto_verify")
    assert exc.value.code == "not_read_yet" and "dibaca" in str(exc.value.message)
    assert not WorkflowEvent.objects.filter(object_id=low.pk, action="auto_verify").exists()
    receipt_reading_store(purchase_id=low.pk, receipt_sha256=low.receipt_sha256, amount=50_000)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rescore_after_reading(low.pk).route == Route.AUTO_VERIFIED
    low.refresh_from_db()
    assert low.status == "verified"
    event = WorkflowEvent.objects.get(object_id=low.pk, action="auto_verify")
    assert event.actor_id is None  # the system, on the record


def test_risky_or_sampled_purchase_is_not_verified_by_the_system(
    ref, django_capture_on_commit_callbacks
):
    enable_system_verification(audit_sample_percent=100)
    sampled = PurchaseFactory(status="merchant_confirmed", amount=50_000)
    a = PurchaseFactory(payment_method="qris", qris_reference="Q9")
    risky = PurchaseFactory(status="merchant_confirmed", payment_method="qris", qris_reference="Q9")
    for p in (a, risky):
        services.record_facts(p, with_receipt=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.score_purchase(sampled).route == Route.AUDIT_SAMPLE
        assert services.score_purchase(risky).route == Route.INVESTIGATE
    # A person confirming later does not let the engine's automatic step through either.
    for p in (sampled, risky):
        p.refresh_from_db()
        assert p.status == "merchant_confirmed"
    assert not WorkflowEvent.objects.filter(action="auto_verify").exists()


def test_scan_integrity_command(ref, tmp_path):
    few = verified_merchant()
    buyer = EmployeeFactory()
    for _ in range(10):
        PurchaseFactory(merchant=few, employee=buyer, purchased_at=at(6))
    call_command("scan_integrity", PERIOD)
    assert len(codes()["merchant_few_buyers"]) == 10
