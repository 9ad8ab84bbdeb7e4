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


def _number_read(purchase, number: str, *, receipt_sha256: str | None = None):
    from ebakul.purchases.services import receipt_reading_store

    receipt_reading_store(
        purchase_id=purchase.pk,
        receipt_sha256=purchase.receipt_sha256 if receipt_sha256 is None else receipt_sha256,
        receipt_number=number,
    )


def _rescored(purchase):
    from ebakul.integrity import services

    services.score_purchase(Purchase.objects.get(pk=purchase.pk))
    return reasons(purchase)


def test_a_near_match_whose_receipt_numbers_differ_goes_to_the_normal_queue(make_purchase, rng):
    """Two colleagues' receipts of one shop for the same order look alike (docs/adr/0233)."""
    data = new_receipt(rng)
    original = make_purchase(data=data)
    twin = make_purchase(data=copy_of(data, "resize", rng), merchant=original.merchant)
    assert reasons(twin)[1].route == Route.INVESTIGATE  # before its reading is in
    _number_read(original, "INV-000123")
    _number_read(twin, "INV-000127")  # the shop's next receipt
    found, risk = _rescored(twin)
    assert "duplicate_receipt_near" not in found
    other = found["duplicate_receipt_near_other_number"]
    assert other.related_purchase_id == original.pk
    assert "INV-000127" in other.detail and "INV-000123" in other.detail
    assert risk.route == Route.REVIEW  # a verifier still compares them; not verified unseen


@pytest.mark.parametrize(
    ("theirs", "mine"),
    [
        ("INV-000123", "INV-000123"),  # the same number: a copy
        ("TRX-954778", "954778"),  # its prefix misread
        ("INV-594434", "INV-594"),  # read in part
        ("INV-000123", ""),  # not read on the copy
    ],
)
def test_a_copy_whose_number_reads_alike_or_not_at_all_stays_under_investigation(
    make_purchase, rng, theirs, mine
):
    data = new_receipt(rng)
    original = make_purchase(data=data)
    copy = make_purchase(data=copy_of(data, "crop", rng), merchant=original.merchant)
    _number_read(original, theirs)
    _number_read(copy, mine)
    found, risk = _rescored(copy)
    assert "duplicate_receipt_near_other_number" not in found
    assert found["duplicate_receipt_near"].related_purchase_id == original.pk
    assert risk.route == Route.INVESTIGATE


def test_a_number_read_on_a_replaced_receipt_does_not_clear_a_copy(make_purchase, rng):
    data = new_receipt(rng)
    original = make_purchase(data=data)
    copy = make_purchase(data=copy_of(data, "brightness", rng), merchant=original.merchant)
    _number_read(original, "INV-000123")
    _number_read(copy, "INV-999999", receipt_sha256="0" * 64)  # of a receipt since replaced
    found, risk = _rescored(copy)
    assert "duplicate_receipt_near" in found and risk.route == Route.INVESTIGATE


def test_two_colleagues_same_order_at_one_shop_are_told_apart_by_the_numbers_read(
    make_purchase, django_capture_on_commit_callbacks
):
    """The same items at the same price at one shop: the receipts differ only in their number
    and time, and the pictures alone take the second for a copy of the first. Tesseract reads
    both numbers (the background reading, which scores the purchase again)."""
    import datetime as dt

    from ebakul.core.periods import WIB
    from ebakul.integrity.ocr import read_receipt_task
    from tests.identity.receipt_images import receipt_png

    when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    day = f"{when.astimezone(WIB):%d/%m/%Y}"  # printed as the claims say: no other signal
    first = make_purchase(
        data=receipt_png(number="INV-020431", date=day), amount=40_000, purchased_at=when
    )
    second = make_purchase(
        data=receipt_png(number="INV-020437", date=day),
        amount=40_000,
        merchant=first.merchant,
        purchased_at=when,
    )
    assert "duplicate_receipt_near" in reasons(second)[0]  # on the pictures alone
    with django_capture_on_commit_callbacks(execute=True):
        read_receipt_task(first.pk)
        read_receipt_task(second.pk)
    found, risk = reasons(second)
    assert set(found) == {"duplicate_receipt_near_other_number"}
    assert found["duplicate_receipt_near_other_number"].related_purchase_id == first.pk
    assert risk.route == Route.REVIEW
