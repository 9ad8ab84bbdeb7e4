"""In a real browser at 1440x900: an appeal in the review workbench is handled with the keyboard
like a purchase (issue 13): V opens the acceptance with the remedy chooser focused, Escape closes
it, T opens the rejection with the note focused, Enter sends it, and the next task (here: the
empty queue) opens. Screenshot in test-artifacts/screenshots (not committed)."""

import pytest
from playwright.sync_api import expect

from .conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1440, "height": 900}


def test_a_verifier_rejects_an_appeal_with_the_keyboard(
    ref, open_page, verifier, employee_user, admin_user
):
    from ebakul.compliance import services
    from ebakul.compliance.models import Appeal
    from tests.compliance import remedy_world as w
    from tests.testing.images import receipt_upload

    appellant, period, _shop, _second = w.computed_shortfall(
        employee_user, admin_user, second_status="rejected"
    )
    appeal = services.appeal_create(
        employee=appellant,
        period=period,
        reason="Nota kedua ditolak padahal sah",
        evidence=receipt_upload(seed=77),
        actor=employee_user,
    )
    page = open_page(WIDE)
    login(page, verifier.username)
    page.goto("/desk/tinjau/")
    expect(page.locator("#wb-appeal-reason")).to_contain_text("Nota kedua ditolak")
    expect(page.locator("#wb-receipt")).to_be_visible()
    page.keyboard.press("r")  # the evidence photo rotates like a receipt
    assert "rotate(90deg)" in page.locator("#wb-receipt").get_attribute("style")

    page.keyboard.press("v")
    expect(page.locator("#wb-remedy")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#wb-remedy")).to_be_hidden()

    page.keyboard.press("t")
    note = page.locator('form[data-action="reject"] textarea[name=note]')
    expect(note).to_be_focused()
    shot(page, "finish-workbench-appeal")
    page.keyboard.type("Bukti tidak menunjukkan tanggal pembelian")
    page.keyboard.press("Enter")
    expect(page.locator("#wb-empty")).to_be_visible()
    decided = Appeal.objects.get(pk=appeal.pk)
    assert (decided.status, decided.decided_by_id) == ("rejected", verifier.pk)
    assert decided.decision_note == "Bukti tidak menunjukkan tanggal pembelian"
