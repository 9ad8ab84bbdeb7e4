"""In a real browser at 1440x900: a verifier clears five tasks in the review workbench with the
keyboard only — verify, reject with a reason, undo, skip, next — and every decision went
through the workflow engine (docs/adr/0140, 0141)."""

import pytest
from playwright.sync_api import expect

from .conftest import loaded_width, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1440, "height": 900}


def test_a_verifier_clears_five_tasks_with_the_keyboard(ref, open_page, verifier, employee_user):
    from ebakul.purchases.models import Purchase
    from ebakul.workflow.models import Assignment, RefusalReason, WorkflowEvent
    from tests.factories import PurchaseFactory, verified_merchant

    shop = verified_merchant(business_name="Warung Ledre Bu Sri")
    group = verifier.groups.first()
    tasks = []
    for amount in (209_500, 35_000, 48_000, 120_000, 15_500):
        p = PurchaseFactory(
            employee=employee_user.employee,
            merchant=shop,
            amount=amount,
            status="merchant_confirmed",
            created_by=employee_user,
        )
        Assignment.objects.create(
            document_type="purchases.purchase", object_id=p.pk, assignee=verifier, group=group
        )
        tasks.append(p)
    t1, t2, t3, t4, t5 = tasks
    reason = RefusalReason.objects.filter(kind="purchase_reject", active=True).order_by(
        "order", "id"
    )[0]

    page = open_page(WIDE)
    login(page, verifier.username)
    page.goto("/desk/tinjau/")

    def on(purchase):
        expect(page.locator("#wb-title")).to_contain_text(purchase.document_number)

    def status(purchase):
        return Purchase.objects.get(pk=purchase.pk).status

    # 1. The oldest task opens, the receipt large beside the claim; V verifies it.
    on(t1)
    expect(page.locator("#wb-amount")).to_have_text("Rp209.500")
    expect(page.locator("#wb-queue-bar [data-left]")).to_have_text("5")
    assert loaded_width(page, page.locator("#wb-receipt")) > 0
    page.keyboard.press("r")  # rotate the receipt
    assert "rotate(90deg)" in page.eval_on_selector("#wb-receipt", "img => img.style.transform")
    shot(page, "40-workbench-1440")
    page.keyboard.press("v")
    on(t2)
    assert status(t1) == "verified"

    # 2. T opens the reason chooser; a digit picks a reason, Enter confirms; the next task opens.
    page.keyboard.press("t")
    expect(page.locator('[data-action="reject"] select')).to_be_focused()
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    on(t3)
    assert status(t2) == "rejected"
    assert Purchase.objects.get(pk=t2.pk).decision_reason == reason.label

    # 3. U undoes the rejection: the task comes back, audited as a workflow event.
    expect(page.locator("#wb-undo")).to_be_visible()
    page.keyboard.press("u")
    on(t2)
    assert status(t2) == "merchant_confirmed"
    assert WorkflowEvent.objects.filter(object_id=t2.pk, action="undo", actor=verifier).exists()
    page.keyboard.press("v")
    on(t3)
    assert status(t2) == "verified"

    # 4. S skips t3 (it goes to the end of the queue); N moves on without deciding.
    page.keyboard.press("s")
    on(t4)
    page.keyboard.press("n")
    on(t5)
    page.keyboard.press("v")
    # t4 and the skipped t3 remain; the unskipped one comes first.
    on(t4)
    page.keyboard.press("v")
    on(t3)
    with page.expect_navigation():
        page.keyboard.press("j")  # J = next: only t3 is left, so it opens again
    on(t3)
    page.keyboard.press("v")
    expect(page.locator("#wb-empty")).to_be_visible()
    expect(page.locator("#wb-queue-bar [data-left]")).to_have_text("0")
    expect(page.locator("#wb-queue-bar [data-done]")).to_have_text("6")
    shot(page, "41-workbench-empty-1440")
    assert [status(t) for t in tasks] == ["verified"] * 5
    assert not Assignment.objects.filter(assignee=verifier, active=True).exists()
