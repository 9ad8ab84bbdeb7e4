"""Forgiving forms (issue 14): a refused form keeps the chosen photo, drafts can be corrected
and deleted by their employee, phone numbers and amounts are cleaned rather than refused, and
every field error is tied to its field for screen readers."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from ebakul.core.periods import WIB
from ebakul.core.uploads import PENDING_SESSION_KEY
from ebakul.core.validators import normalize_phone, validate_phone
from ebakul.portal.forms import AppealForm, PurchaseForm
from ebakul.purchases.models import Purchase
from ebakul.purchases.services import purchase_delete
from tests.factories import PurchaseFactory
from tests.testing.images import receipt_upload

pytestmark = pytest.mark.django_db


def _form_data(merchant, **overrides):
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    data = {
        "merchant": merchant.pk,
        "purchased_at": when.strftime("%Y-%m-%dT%H:%M"),
        "amount": "Rp 25.000",
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": receipt_upload(seed=7),
    }
    data.update(overrides)
    return data


def test_refused_form_keeps_the_photo_and_uses_it_on_the_next_try(employee_client, shop):
    url = reverse("portal:purchase_new")
    refused = employee_client.post(url, _form_data(shop, amount="0"))
    assert refused.status_code == 200 and Purchase.objects.count() == 0
    html = refused.content.decode()
    assert 'id="kept-receipt"' in html
    # Previewed, to this session only.
    preview = employee_client.get(reverse("portal:pending_receipt"))
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    kept = b"".join(preview.streaming_content)
    kept_name = employee_client.session[PENDING_SESSION_KEY]["purchase_receipt"]["name"]
    assert default_storage.exists(kept_name)

    data = _form_data(shop)
    del data["receipt"]  # the browser does not send the file again
    done = employee_client.post(url, data)

    purchase = Purchase.objects.get()
    assert done["Location"] == reverse("portal:purchase_confirm", args=[purchase.pk])
    assert purchase.amount == 25_000
    with purchase.receipt.open("rb") as handle:
        assert handle.read() == kept
    # The kept copy is gone once used.
    assert not default_storage.exists(kept_name)
    assert employee_client.get(reverse("portal:pending_receipt")).status_code == 404


def test_kept_photo_is_not_shown_to_another_session(employee_client, client, shop, employee):
    employee_client.post(reverse("portal:purchase_new"), _form_data(shop, amount="0"))
    from django.test import Client

    other = Client()
    other.force_login(employee.user)
    assert other.get(reverse("portal:pending_receipt")).status_code == 404


def test_new_purchase_form_starts_without_a_kept_photo(employee_client, shop):
    url = reverse("portal:purchase_new")
    employee_client.post(url, _form_data(shop, amount="0"))
    employee_client.get(url, {"merchant": shop.pk})
    data = _form_data(shop)
    del data["receipt"]
    response = employee_client.post(url, data)
    assert response.status_code == 200 and Purchase.objects.count() == 0
    assert "receipt" in response.context["form"].errors


def test_employee_corrects_a_draft(employee_client, employee, shop):
    draft = PurchaseFactory(employee=employee, merchant=shop, status="draft", amount=10_000)
    old_receipt = draft.receipt.name
    url = reverse("portal:purchase_edit", args=[draft.pk])
    page = employee_client.get(url)
    assert page.status_code == 200 and 'value="10000"' in page.content.decode()

    data = _form_data(shop, amount="Rp 30.000", description="Batik")
    del data["receipt"]
    response = employee_client.post(url, data)
    assert response["Location"] == reverse("portal:purchase_confirm", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.amount, draft.description, draft.receipt.name) == (30_000, "Batik", old_receipt)


def test_a_sent_purchase_is_not_edited_or_deleted(employee_client, employee, shop):
    sent = PurchaseFactory(employee=employee, merchant=shop, status="submitted", amount=10_000)
    data = _form_data(shop, amount="99000")
    response = employee_client.post(reverse("portal:purchase_edit", args=[sent.pk]), data)
    assert response["Location"] == reverse("portal:purchase_detail", args=[sent.pk])
    employee_client.post(reverse("portal:purchase_delete", args=[sent.pk]))
    sent.refresh_from_db()
    assert sent.amount == 10_000 and sent.status == "submitted"


def test_employee_deletes_a_draft_with_its_photo(
    employee_client, employee, shop, django_capture_on_commit_callbacks
):
    draft = PurchaseFactory(employee=employee, merchant=shop, status="draft")
    stored = draft.receipt.name
    assert default_storage.exists(stored)
    url = reverse("portal:purchase_delete", args=[draft.pk])
    assert employee_client.get(url).status_code == 405  # a GET never deletes
    assert Purchase.objects.filter(pk=draft.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = employee_client.post(url)
    assert response["Location"] == reverse("portal:purchase_list")
    assert not Purchase.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(stored)


def test_another_employees_draft_cannot_be_deleted(employee_client, other_employee, shop):
    theirs = PurchaseFactory(employee=other_employee, merchant=shop, status="draft")
    assert (
        employee_client.post(reverse("portal:purchase_delete", args=[theirs.pk])).status_code == 404
    )
    assert employee_client.get(reverse("portal:purchase_edit", args=[theirs.pk])).status_code == 404
    assert Purchase.objects.filter(pk=theirs.pk).exists()


def test_delete_service_refuses_someone_else(other_employee, employee, shop):
    from ebakul.core.errors import PermissionDeniedError

    theirs = PurchaseFactory(employee=other_employee, merchant=shop, status="draft")
    with pytest.raises(PermissionDeniedError):
        purchase_delete(purchase=theirs, actor=employee.user)
    assert Purchase.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0812-3456-7890", "081234567890"),
        ("0812 3456 7890", "081234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("(0353) 881.234", "0353881234"),
    ],
)
def test_phone_numbers_are_cleaned(written, stored):
    assert normalize_phone(written) == stored
    validate_phone(normalize_phone(written))


def test_a_phone_with_letters_is_still_refused():
    from django.core.exceptions import ValidationError

    assert normalize_phone("0812-ABC") == "0812-ABC"
    with pytest.raises(ValidationError):
        validate_phone(normalize_phone("0812-ABC"))


@pytest.mark.parametrize("written", ["25000", "25.000", "Rp25.000", "Rp 25.000", "rp. 25 000"])
def test_amounts_are_cleaned(written, shop):
    form = PurchaseForm(data={"amount": written})
    form.is_valid()
    assert form.cleaned_data["amount"] == 25_000


def test_field_errors_are_tied_to_their_field(employee_client, shop):
    html = employee_client.post(
        reverse("portal:purchase_new"), _form_data(shop, amount="abc")
    ).content.decode()
    start = html.index('id="field-amount"')
    block = html[start : html.index("</div>", start)]
    assert 'aria-describedby="id_amount_error0"' in block
    assert 'aria-invalid="true"' in block
    assert 'id="id_amount_error0"' in block and 'role="alert"' in block


def test_appeal_evidence_label_says_optional_once(employee_client):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("id"):
        html = render_to_string("portal/_field.html", {"field": AppealForm()["evidence"]})
    assert html.count("tidak wajib") == 1
    assert "Dokumen pendukung" in html


def test_monthly_results_show_month_state_and_deduction(employee_client, employee):
    from django.utils import translation

    from ebakul.compliance.models import MonthlyCompliance, SpendingRule
    from ebakul.core.periods import current_period, period_label, previous_period

    rule = SpendingRule.objects.order_by("-effective_from").first()
    last = previous_period(current_period())
    before = previous_period(last)
    for period, status, deduction in [(last, "shortfall", 125_000), (before, "compliant", 0)]:
        MonthlyCompliance.objects.create(
            employee=employee,
            period=period,
            rule=rule,
            tpp_ceiling=5_000_000,
            active_days=30,
            period_days=30,
            required_spend=500_000,
            verified_spend=500_000 - deduction,
            pending_spend=0,
            shortfall=deduction,
            status=status,
            sanction_mode=rule.sanction_mode,
            deduction_amount=deduction,
            computed_at=timezone.now(),
        )
    html = employee_client.get(reverse("portal:employee_home")).content.decode()
    start = html.index('id="statements"')
    block = html[start : html.index("</section>", start)]
    with translation.override("id"):
        assert period_label(last) in block and period_label(before) in block
    assert f"<strong>{last}</strong>" not in block  # never the raw "2026-11"
    assert "di bawah minimum" in block and "minimum terpenuhi" in block
    assert "Rp125.000" in block and "Rp0" in block
