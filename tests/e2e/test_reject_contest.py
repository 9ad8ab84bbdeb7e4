"""In a real browser: a verifier rejects a purchase with a reason (a confirmation step, not one
click) → the employee sees the reason next to "Ditolak" and asks for a review with new evidence
→ the purchase goes to another verifier, who verifies it → the locked result counts it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ebakul.core.periods import WIB, current_period, period_first_day, previous_period
from tests.testing.images import receipt_image_bytes

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reject_with_reason_contest_verify_and_lock(
    ref, open_page, verifier, employee_user, admin_user
):
    from ebakul.accounts import roles
    from ebakul.compliance.models import MonthlyCompliance, Period, PeriodStatus
    from ebakul.compliance.services import compute_period, lock_period
    from ebakul.purchases.models import Purchase
    from ebakul.workflow.models import Assignment, RefusalReason
    from tests.factories import PurchaseFactory, UserFactory, verified_merchant

    # Last month, past its verification close but still inside its appeal window (the clock
    # is the real one: every date is relative to it).
    period = previous_period(current_period())
    now = timezone.now()
    Period.objects.create(
        period=period,
        submission_close=now - dt.timedelta(days=2),
        verification_close=now - dt.timedelta(days=1),
        appeal_close=now + dt.timedelta(days=2),
    )
    employee = employee_user.employee
    # The employee existed, with a TPP ceiling, before that month (results use the state as of
    # the period's last day, docs/adr/0030).
    from ebakul.employees.models import Employee

    since = dt.datetime.combine(period_first_day(period), dt.time(0, 0), tzinfo=WIB)
    since -= dt.timedelta(days=40)
    employee.tpp_ceiling = 5_000_000
    employee.save()
    Employee.history.model.objects.filter(id=employee.pk).update(history_date=since)
    Employee.objects.filter(pk=employee.pk).update(created_at=since)
    shop = verified_merchant(business_name="Warung Pecel Mbok Darmi")
    purchased_at = dt.datetime.combine(period_first_day(period), dt.time(10, 0), tzinfo=WIB)
    purchase = PurchaseFactory(
        employee=employee,
        merchant=shop,
        purchased_at=purchased_at,
        amount=125_000,
        status="merchant_confirmed",
        created_by=employee_user,
    )
    # Recorded when bought, before the submission close (docs/adr/0031).
    Purchase.objects.filter(pk=purchase.pk).update(created_at=purchased_at)
    other = UserFactory(username="verifikator2", role=roles.VERIFIER)
    reason = RefusalReason.objects.filter(kind="purchase_reject").order_by("order").first()
    change_url = f"/desk/purchases/purchase/{purchase.pk}/change/"

    # 1. The verifier rejects it: "Tolak" is a secondary link to a confirmation with reasons.
    desk = open_page(DESKTOP)
    login(desk, verifier.username)
    desk.goto(change_url)
    expect(desk.locator('#workflow-actions button[value="reject"]')).to_have_count(0)
    desk.locator('#workflow-refusals a[data-action="reject"]').click()
    desk.wait_for_load_state()
    # Confirming without a reason is refused by the engine, with a clear Indonesian message.
    desk.get_by_role("button", name="Ya, Tolak").click()
    expect(desk.locator("#workflow-confirm-errors")).to_contain_text("memerlukan alasan")
    assert Purchase.objects.get(pk=purchase.pk).status == "merchant_confirmed"
    desk.get_by_label("Alasan umum").select_option(label=reason.label)
    desk.get_by_label("Penjelasan untuk pihak yang bersangkutan").fill(
        "Jumlah di nota Rp12.500, bukan Rp125.000"
    )
    shot(desk, "20-desk-reject-confirm-1280")
    desk.get_by_role("button", name="Ya, Tolak").click()
    expect(desk.locator("#workflow-actions [data-state]")).to_have_attribute(
        "data-state", "rejected"
    )
    purchase.refresh_from_db()
    assert purchase.status == "rejected"
    assert purchase.decision_reason == f"{reason.label}: Jumlah di nota Rp12.500, bukan Rp125.000"

    # 2. The employee sees the reason next to "Ditolak" and asks for a review.
    phone = open_page(PHONE)
    login(phone, employee_user.username)
    phone.goto("/pegawai/belanja/")
    expect(phone.locator(f"#purchase-{purchase.pk} .purchase-reason")).to_contain_text(reason.label)
    phone.goto(f"/pegawai/belanja/{purchase.pk}/")
    expect(phone.locator("#purchase-status")).to_have_text("Ditolak")
    expect(phone.locator("#decision-reason")).to_contain_text(
        "Jumlah di nota Rp12.500, bukan Rp125.000"
    )
    phone.get_by_label("Mengapa perlu ditinjau ulang?").fill(
        "Nota asli menulis Rp125.000; foto sebelumnya terpotong. Foto utuh terlampir."
    )
    phone.get_by_label("Bukti baru").set_input_files(
        {"name": "nota-utuh.jpg", "mimeType": "image/jpeg", "buffer": receipt_image_bytes(seed=3)}
    )
    shot(phone, "21-employee-contest-375")
    phone.get_by_role("button", name="Kirim permintaan tinjau ulang").click()
    expect(phone.locator("#purchase-status")).to_have_text("Diminta tinjau ulang")
    shot(phone, "22-employee-contested-375")
    purchase.refresh_from_db()
    assert purchase.status == "contested" and purchase.contest_evidence

    # 3. It went to the other verifier, who verifies it in the desk.
    assignment = Assignment.objects.get(
        document_type="purchases.purchase", object_id=purchase.pk, active=True
    )
    assert assignment.assignee == other
    desk2 = open_page(DESKTOP)
    login(desk2, other.username)
    desk2.goto("/desk/workflow/mytask/")
    expect(desk2.locator("body")).to_contain_text(purchase.document_number)
    desk2.goto(change_url)
    expect(desk2.locator("#workflow-history")).to_contain_text("Nota asli menulis Rp125.000")
    shot(desk2, "23-desk-contested-1280")
    desk2.locator('#workflow-actions button[name="wf_action"][value="verify"]').click()
    expect(desk2.locator("#workflow-actions [data-state]")).to_have_attribute(
        "data-state", "verified"
    )

    # 4. The result at the lock counts it.
    compute_period(period=period, actor=admin_user)
    lock_period(period=period, actor=admin_user)
    assert Period.objects.get(period=period).status == PeriodStatus.LOCKED
    result = MonthlyCompliance.objects.get(employee=employee, period=period)
    assert result.verified_spend == 125_000
