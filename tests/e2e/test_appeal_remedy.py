"""An appeal accepted with a deduction reduction, in a real browser: the verifier decides it on
the appeal page of the desk, the employee sees the outcome on the portal home, and the e-TPP
export of the locked period shows the reduced deduction and the adjustment."""

import pytest
from playwright.sync_api import expect

from tests import clock
from tests.compliance import remedy_world as w

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_appeal_accepted_with_a_reduction(ref, open_page, live_server, verifier, employee_user):
    from ebakul.api.models import SCOPE_READ
    from ebakul.api.services import api_key_create, integration_client_create
    from ebakul.compliance import services
    from ebakul.compliance.models import Appeal

    # An employee short by Rp300.000 in a computed month, with a pending appeal.
    period = w.period()
    appellant = employee_user.employee
    appellant.tpp_ceiling = w.CEILING
    appellant.save()
    shop = w.merchant()
    counted = w.buy(appellant, 200_000, shop=shop)
    clock.compute_period(period=period)
    appeal = services.appeal_create(
        employee=appellant,
        period=period,
        reason="Aplikasi tidak bisa dibuka tiga hari, nota tidak sempat dikirim",
        actor=employee_user,
    )

    # The employee sees the appeal as pending, not an invitation to appeal again.
    phone = open_page(PHONE)
    login(phone, employee_user.username)
    expect(phone.locator("#appeal-state")).to_have_attribute("data-state", "pending")

    # The verifier decides on the appeal page: accept, reduce by Rp100.000 with a reason.
    desk = open_page(DESKTOP)
    login(desk, verifier.username)
    desk.goto(f"/desk/compliance/appeal/{appeal.pk}/change/")
    expect(desk.locator("#appeal-purchases")).to_contain_text(counted.document_number)
    expect(desk.locator("#appeal-reason")).to_contain_text("tiga hari")
    expect(desk.locator("#appeal-deduction-stored")).to_have_text("Rp300.000")
    # a note is required: the service's refusal is shown and nothing is decided
    desk.get_by_label("Terima", exact=True).check()
    desk.get_by_label("Kurangi potongan", exact=True).check()
    desk.locator("#appeal-decide").click()
    expect(desk.locator("#row-note .field-error")).to_contain_text("Tulis catatan")
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"

    desk.get_by_label("Terima", exact=True).check()
    desk.locator("#id_note").fill("Gangguan aplikasi terbukti dari laporan dinas")
    desk.get_by_label("Kurangi potongan", exact=True).check()
    desk.locator("#id_amount").fill("100000")
    desk.locator("#id_reason").fill("Gangguan aplikasi 3 hari")
    shot(desk, "h6-01-appeal-page-decision")
    desk.locator("#appeal-decide").click()
    expect(desk.locator("#appeal-outcome [data-status]")).to_have_attribute(
        "data-status", "accepted"
    )
    expect(desk.locator("#appeal-outcome")).to_contain_text("Rp200.000")
    shot(desk, "h6-02-appeal-decided")

    # The employee sees the outcome, the note and the new deduction.
    phone.goto("/pegawai/")
    phone.reload()
    state = phone.locator("#appeal-state")
    expect(state).to_have_attribute("data-state", "accepted")
    expect(state).to_contain_text("diterima")
    expect(phone.locator("#appeal-note")).to_have_text(
        "Gangguan aplikasi terbukti dari laporan dinas"
    )
    expect(phone.locator("#appeal-deduction")).to_have_text("Rp200.000")
    expect(phone.locator("a[href='/pegawai/sanggahan/']")).to_have_count(0)
    shot(phone, "h6-03-employee-home-appeal-accepted-375")

    # After the lock, e-TPP's export shows the reduced deduction and the adjustment.
    clock.lock_period(period=period)
    client = integration_client_create(name="e-TPP BPKAD")
    key = api_key_create(client=client, scopes=(SCOPE_READ,))
    response = phone.request.get(
        f"{live_server.url}/api/v1/periods/{period}/deductions/",
        headers={"Authorization": f"Api-Key {key.raw}"},
    )
    assert response.status == 200
    row = next(r for r in response.json()["results"] if r["nip"] == appellant.nip)
    assert (row["shortfall"], row["deduction_amount"], row["status"]) == (300_000, 200_000, "final")
    assert (row["adjustment_amount"], row["adjustment_reason"]) == (
        100_000,
        "Gangguan aplikasi 3 hari",
    )


def test_a_used_rule_is_read_only_and_a_new_version_shows_its_impact(ref, open_page, admin_user):
    from ebakul.compliance.models import SpendingRule
    from ebakul.core.periods import next_period, period_first_day

    period = w.period()
    w.employee()  # short: Rp500.000
    clock.compute_period(period=period)
    seeded = SpendingRule.objects.order_by("effective_from").first()

    desk = open_page(DESKTOP)
    login(desk, admin_user.username)
    desk.goto(f"/desk/compliance/spendingrule/{seeded.pk}/change/")
    expect(desk.locator('button[name="_save"]')).to_have_count(0)
    desk.locator("#rule-new-version").click()
    desk.wait_for_load_state()
    desk.get_by_label("Tarif (persen dari pagu TPP)").fill("7,5")
    desk.locator('button[name="_save"]').first.click()
    desk.wait_for_load_state()
    impact = desk.locator("#rule-impact")
    expect(impact).to_contain_text("1 pegawai kurang")
    expect(desk.locator("#impact-new-total")).to_have_text("Rp375.000")
    shot(desk, "h6-04-rule-new-version-impact")
    assert SpendingRule.objects.count() == 1

    desk.get_by_label("Saya sudah memeriksa dampak di atas").check()
    desk.locator('button[name="_save"]').first.click()
    desk.wait_for_load_state()
    rule = SpendingRule.objects.get(effective_from=period_first_day(next_period(period)))
    assert rule.rate_bp == 750
    assert rule.name.startswith("7,5% dari pagu TPP, minimal Rp300.000, sejak 1 ")
