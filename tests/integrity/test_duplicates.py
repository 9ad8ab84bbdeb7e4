import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from ebakul.integrity.models import PurchaseRisk, ReceiptFingerprint, Route
from ebakul.purchases.models import Purchase
from tests.factories import EmployeeFactory
from tests.integrity.conftest import copy_of, new_receipt
from tests.integrity.generator import TRANSFORMS, png

pytestmark = pytest.mark.django_db


def reasons(purchase):
    risk = PurchaseRisk.objects.get(purchase=purchase)
    return {r.signal_code: r for r in risk.reasons.all()}, risk


def test_colleagues_exact_receipt_is_refused_at_upload_and_nothing_is_stored(make_purchase, rng):
    data = new_receipt(rng)
    make_purchase(data=data)
    before = Purchase.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_purchase(data=data)
    errors = exc.value.error_dict["receipt"]
    assert errors[0].code == "duplicate_receipt_exact"
    assert "pegawai lain" in str(errors[0].messages[0]) or "another employee" in str(
        errors[0].messages[0]
    )
    assert Purchase.objects.count() == before


def test_same_pixels_in_another_format_is_refused(make_purchase, rng):
    data = new_receipt(rng)
    make_purchase(data=png(Image.open(io.BytesIO(data))))
    with pytest.raises(ValidationError):
        # PNG stays PNG when stored: same pixels, other bytes than the JPEG would give.
        make_purchase(data=png(Image.open(io.BytesIO(data))))


def test_own_receipt_twice_is_not_refused_but_flagged_on_the_later_claim(make_purchase, rng):
    employee = EmployeeFactory()
    data = new_receipt(rng)
    first = make_purchase(data=data, employee=employee)
    second = make_purchase(data=data, employee=employee)
    found, risk = reasons(second)
    assert found["duplicate_receipt_exact"].related_purchase_id == first.pk
    assert risk.route == Route.INVESTIGATE
    first_found, first_risk = reasons(first)
    assert first_found == {}  # the original is not flagged because of a later copy
    assert first_risk.score == 0


def test_different_receipts_raise_no_duplicate_signal(make_purchase, rng):
    a = make_purchase(data=new_receipt(rng))
    b = make_purchase(data=new_receipt(rng))
    assert reasons(a)[0] == {} and reasons(b)[0] == {}
    assert ReceiptFingerprint.objects.filter(purchase__in=[a, b]).count() == 2


@pytest.mark.parametrize("kind", TRANSFORMS)
def test_near_copy_of_a_colleagues_receipt_goes_to_investigation(make_purchase, rng, kind):
    data = new_receipt(rng)
    original = make_purchase(data=data)
    # A copy claims what the receipt shows: the original's merchant and amount.
    copy = make_purchase(data=copy_of(data, kind, rng), merchant=original.merchant)
    found, risk = reasons(copy)
    assert "duplicate_receipt_near" in found, kind
    assert found["duplicate_receipt_near"].related_purchase_id == original.pk
    assert risk.route == Route.INVESTIGATE
    assert reasons(original)[0] == {}


def test_fingerprint_computed_late_still_flags_the_later_copy(
    make_purchase, rng, django_capture_on_commit_callbacks
):
    """The copy's task ran before the original's: the original's task re-scores the copy."""
    from ebakul.integrity import services

    data = new_receipt(rng)
    original = make_purchase(data=data)
    ReceiptFingerprint.objects.filter(purchase=original).delete()
    copy = make_purchase(data=copy_of(data, "resize", rng), merchant=original.merchant)
    assert "duplicate_receipt_near" not in reasons(copy)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.fingerprint_and_score(original.pk)
    assert "duplicate_receipt_near" in reasons(copy)[0]
    # The original is not flagged as a copy (the receipt reading may raise its own signals).
    assert not {code for code in reasons(original)[0] if code.startswith("duplicate_")}


def test_changing_a_draft_to_a_colleagues_receipt_is_refused(make_purchase, rng):
    from ebakul.purchases.services import purchase_update
    from tests.integrity.conftest import upload

    theirs = new_receipt(rng)
    make_purchase(data=theirs)
    draft = make_purchase(data=new_receipt(rng))
    Purchase.objects.filter(pk=draft.pk).update(status="draft")
    draft.refresh_from_db()
    before = draft.receipt_sha256
    with pytest.raises(ValidationError) as exc:
        purchase_update(purchase=draft, actor=None, receipt=upload(theirs))
    assert exc.value.error_dict["receipt"][0].code == "duplicate_receipt_exact"
    draft.refresh_from_db()
    assert draft.receipt_sha256 == before
