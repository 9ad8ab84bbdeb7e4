"""Finding 2 of issue 10: nobody decides a document that concerns themselves.

A verifier who is also an employee tries every step of the attack in the desk (edit another
employee's draft, make it theirs, raise the amount, submit it, verify it); each step is refused
and the refused request changes nothing. The same rule holds for merchants owned by the decider,
for appeals and exemptions of the decider, and for superusers."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from ebakul.accounts import roles
from ebakul.compliance import services as compliance
from ebakul.compliance.models import Appeal, Exemption
from ebakul.core.errors import DomainError, PermissionDeniedError
from ebakul.purchases import services as purchases
from ebakul.purchases.models import Purchase, PurchaseStatus
from ebakul.workflow import services as wf
from ebakul.workflow.models import WorkflowEvent
from tests.desk.test_desk_writes import purchase_post
from tests.factories import (
    EmployeeFactory,
    MerchantFactory,
    PurchaseFactory,
    UserFactory,
    verified_merchant,
)


def _also_employee(user):
    """Give a desk user an employee record and the employee role (a verifier is a civil
    servant too)."""
    user.groups.add(Group.objects.get(name=roles.EMPLOYEE))
    EmployeeFactory(user=user)
    return user


def _row(purchase):
    p = Purchase.objects.get(pk=purchase.pk)
    events = WorkflowEvent.objects.filter(document_type="purchases.purchase", object_id=p.pk)
    history = Purchase.history.filter(id=p.pk).count()
    return (p.status, p.employee_id, p.amount, p.description, events.count(), history)


def _messages(response):
    with translation.override("id"):
        return " ".join(str(m) for m in get_messages(response.wsgi_request))


SELF = "menyangkut diri Anda sendiri"  # part of the Indonesian refusal


@pytest.fixture
def cast(ref, verifier, employee_user, merchant_user):
    _also_employee(verifier)
    shop = verified_merchant(user=merchant_user)
    victim = employee_user.employee
    return verifier, victim, shop, merchant_user


def test_verifier_cannot_edit_another_employees_draft_nor_make_it_theirs(client, cast):
    verifier, victim, shop, _merchant = cast
    draft = PurchaseFactory(
        employee=victim, merchant=shop, status=PurchaseStatus.DRAFT, created_by=victim.user
    )
    before = _row(draft)
    client.force_login(verifier)
    url = reverse("admin:purchases_purchase_change", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    # Shown read-only: neither the amount nor the employee is a form field for them.
    fields = page.context["adminform"].form.fields
    assert "amount" not in fields and "employee" not in fields

    response = client.post(
        url,
        purchase_post(verifier.employee, shop, amount="9000000", description="milik saya"),
    )
    assert response.status_code in (200, 302, 403)
    assert _row(draft) == before  # nothing changed: not the employee, not the amount


def test_the_service_refuses_a_draft_edit_by_someone_else(cast):
    verifier, victim, shop, _merchant = cast
    draft = PurchaseFactory(
        employee=victim, merchant=shop, status=PurchaseStatus.DRAFT, created_by=victim.user
    )
    before = _row(draft)
    with pytest.raises(PermissionDeniedError) as refused:
        purchases.purchase_update(purchase=draft, actor=verifier, amount=9_000_000)
    with translation.override("id"):
        assert "Hanya pegawai pemilik pembelian ini" in str(refused.value.message)
    draft = Purchase.objects.get(pk=draft.pk)
    with pytest.raises(PermissionDeniedError):
        purchases.purchase_update(
            purchase=draft, actor=verifier, employee=verifier.employee, amount=9_000_000
        )
    assert _row(draft) == before


def test_the_employee_of_a_purchase_never_changes_even_for_its_creator(cast):
    verifier, victim, shop, _merchant = cast
    draft = PurchaseFactory(
        employee=victim, merchant=shop, status=PurchaseStatus.DRAFT, created_by=victim.user
    )
    before = _row(draft)
    with pytest.raises(DomainError) as refused:
        purchases.purchase_update(purchase=draft, actor=victim.user, employee=verifier.employee)
    assert refused.value.field == "employee"
    # An instance whose employee was swapped in memory does not carry the swap into the row.
    draft = Purchase.objects.get(pk=draft.pk)
    draft.employee = verifier.employee
    purchases.purchase_update(purchase=draft, actor=victim.user, description="nasi pecel")
    p = Purchase.objects.get(pk=draft.pk)
    assert (p.employee_id, p.description) == (before[1], "nasi pecel")
    # Their own draft stays editable by the employee.
    assert p.status == PurchaseStatus.DRAFT


def test_verifier_cannot_submit_another_employees_draft(client, cast):
    verifier, victim, shop, _merchant = cast
    draft = PurchaseFactory(
        employee=victim, merchant=shop, status=PurchaseStatus.DRAFT, created_by=victim.user
    )
    before = _row(draft)
    client.force_login(verifier)
    client.post(
        reverse("admin:purchases_purchase_workflow", args=[draft.pk]),
        {"wf_action": "submit", "wf_state": "draft"},
    )
    assert _row(draft) == before


@pytest.mark.parametrize("state", ["merchant_confirmed", "merchant_disputed"])
def test_verifier_cannot_verify_their_own_purchase_recorded_by_someone_else(
    client, cast, admin_user, state
):
    verifier, _victim, shop, _merchant = cast
    # Recorded by an administrator: the creator rule alone would have let it through.
    own = PurchaseFactory(
        employee=verifier.employee,
        merchant=shop,
        status=state,
        amount=9_000_000,
        created_by=admin_user,
    )
    before = _row(own)
    assert wf.available_actions(document=own, user=verifier) == []
    client.force_login(verifier)
    page = client.get(reverse("admin:purchases_purchase_change", args=[own.pk]))
    assert 'value="verify"' not in page.content.decode()
    response = client.post(
        reverse("admin:purchases_purchase_workflow", args=[own.pk]),
        {"wf_action": "verify", "wf_state": state},
    )
    assert SELF in _messages(response)
    assert _row(own) == before
    # Bulk actions go through the same engine.
    response = client.post(
        reverse("admin:purchases_purchase_changelist"),
        {"action": "workflow_verify", "_selected_action": [own.pk]},
    )
    assert _row(own) == before
    # Another verifier may.
    other = UserFactory(username="verifikator2", role=roles.VERIFIER)
    wf.apply_action(document=Purchase.objects.get(pk=own.pk), action="verify", actor=other)
    assert Purchase.objects.get(pk=own.pk).status == "verified"


def test_the_employee_still_submits_their_own_purchase(cast):
    verifier, _victim, shop, _merchant = cast
    own = PurchaseFactory(
        employee=verifier.employee, merchant=shop, status="draft", created_by=verifier
    )
    wf.apply_action(document=own, action="submit", actor=verifier)
    assert Purchase.objects.get(pk=own.pk).status == "submitted"


def test_a_superuser_employee_cannot_verify_their_own_purchase(cast, admin_user):
    _verifier, _victim, shop, _merchant = cast
    boss = UserFactory(username="root-pegawai", is_superuser=True, is_staff=True)
    EmployeeFactory(user=boss)
    own = PurchaseFactory(
        employee=boss.employee, merchant=shop, status="merchant_confirmed", created_by=admin_user
    )
    before = _row(own)
    with pytest.raises(PermissionDeniedError) as refused:
        wf.apply_action(document=own, action="verify", actor=boss)
    with translation.override("id"):
        assert SELF in str(refused.value.message)
    assert _row(own) == before


def test_merchant_owner_confirms_own_sale_but_cannot_verify_a_purchase_at_their_shop(
    cast, admin_user
):
    verifier, victim, _shop, _merchant = cast
    # The verifier also runs a shop (any business under their owner NIK concerns them).
    verifier.groups.add(Group.objects.get(name=roles.MERCHANT))
    their_shop = verified_merchant(user=verifier)
    sister_shop = verified_merchant(owner_nik=their_shop.owner_nik)  # no account of its own
    for shop in (their_shop, sister_shop):
        purchase = PurchaseFactory(
            employee=victim, merchant=shop, status="merchant_confirmed", created_by=admin_user
        )
        before = _row(purchase)
        with pytest.raises(PermissionDeniedError):
            wf.apply_action(document=purchase, action="verify", actor=verifier)
        assert _row(purchase) == before
    # The owner's own step stays theirs.
    sale = PurchaseFactory(employee=victim, merchant=their_shop, status="submitted")
    wf.apply_action(document=sale, action="confirm", actor=verifier)
    assert Purchase.objects.get(pk=sale.pk).status == "merchant_confirmed"


def test_verifier_cannot_verify_a_merchant_they_own(client, cast):
    verifier, *_ = cast
    own = MerchantFactory(status="submitted", user=verifier)
    sister = MerchantFactory(status="submitted", owner_nik=own.owner_nik)
    for merchant in (own, sister):
        client.force_login(verifier)
        response = client.post(
            reverse("admin:merchants_umkmmerchant_workflow", args=[merchant.pk]),
            {"wf_action": "verify", "wf_state": "submitted"},
        )
        assert SELF in _messages(response)
        merchant.refresh_from_db()
        assert merchant.status == "submitted"
        assert not WorkflowEvent.objects.filter(
            document_type="merchants.umkmmerchant", object_id=merchant.pk
        ).exists()
    # Someone else's merchant: allowed.
    other = MerchantFactory(status="submitted")
    wf.apply_action(document=other, action="verify", actor=verifier)
    assert other.status == "verified"


def test_nobody_decides_their_own_appeal(client, cast, admin_user):
    verifier, *_ = cast
    appeal = Appeal.objects.create(employee=verifier.employee, period="2026-01", reason="Cuti")
    with pytest.raises(PermissionDeniedError):
        compliance.appeal_decide(appeal=appeal, accept=True, note="ok", actor=verifier)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by_id) == ("pending", None)
    # In the desk, an administrator who is the appellant is refused the same way.
    _also_employee(admin_user)
    own = Appeal.objects.create(employee=admin_user.employee, period="2026-01", reason="Cuti")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:compliance_appeal_change", args=[own.pk]),
        {"decision": "accept", "note": "ok", "remedy": "reduction", "amount": 1000, "reason": "x"},
        follow=True,
    )
    assert SELF in response.content.decode()
    own.refresh_from_db()
    assert (own.status, own.decided_by_id) == ("pending", None)


def test_nobody_approves_their_own_exemption(cast, admin_user):
    _also_employee(admin_user)
    with pytest.raises(PermissionDeniedError):
        compliance.exemption_create(
            employee=admin_user.employee,
            start_date="2026-01-01",
            end_date="2026-01-31",
            reason="leave",
            actor=admin_user,
        )
    ex = Exemption.objects.create(
        employee=admin_user.employee, start_date="2026-01-01", end_date="2026-01-31", reason="leave"
    )
    with pytest.raises(PermissionDeniedError):
        compliance.exemption_approve(exemption=ex, actor=admin_user)
    ex.refresh_from_db()
    assert (ex.status, ex.decided_by_id) == ("pending", None)


def test_merchant_owner_cannot_confirm_a_sale_to_themselves_recorded_by_someone_else(
    cast, admin_user
):
    """Self-dealing: the shop owner is also the employee. The creator rule alone let this
    through when an administrator had recorded the purchase."""
    _verifier, victim, _shop, merchant_user = cast
    _also_employee(merchant_user)
    own_shop = verified_merchant(user=merchant_user)
    sale = PurchaseFactory(
        employee=merchant_user.employee,
        merchant=own_shop,
        status="submitted",
        created_by=admin_user,
    )
    before = _row(sale)
    assert {t.code for t in wf.available_actions(document=sale, user=merchant_user)} == set()
    with pytest.raises(PermissionDeniedError):
        wf.apply_action(document=sale, action="confirm", actor=merchant_user)
    assert _row(sale) == before


def test_verifier_cannot_rewrite_a_registration_they_will_verify(client, cast):
    """A verifier who could edit a merchant's draft (NIB, QRIS NMID, owner) would then verify data
    they wrote themselves: only the owner's account or an administrator edits it."""
    from ebakul.merchants.models import UmkmMerchant
    from ebakul.merchants.services import merchant_update

    verifier, *_ = cast
    merchant = MerchantFactory(status="needs_fix", qris_nmid="")

    def state():
        m = UmkmMerchant.objects.get(pk=merchant.pk)
        return (m.business_name, m.qris_nmid, m.phone, UmkmMerchant.history.filter(id=m.pk).count())

    before = state()
    client.force_login(verifier)
    url = reverse("admin:merchants_umkmmerchant_change", args=[merchant.pk])
    assert not client.get(url).context["adminform"].form.fields  # read-only for them
    client.post(url, {"business_name": "Warung Verifikator", "qris_nmid": "ID1234567890123"})
    with pytest.raises(PermissionDeniedError):
        merchant_update(merchant=merchant, actor=verifier, business_name="Warung Verifikator")
    assert state() == before
    # The owner's own account still corrects it.
    owner = UserFactory(username="pemilik-x", role=roles.MERCHANT)
    UmkmMerchant.objects.filter(pk=merchant.pk).update(user=owner)
    merchant_update(merchant=merchant, actor=owner, phone="081234567890")
    assert UmkmMerchant.objects.get(pk=merchant.pk).phone == "081234567890"
