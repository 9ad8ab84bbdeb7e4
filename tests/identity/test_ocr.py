"""OCR: the pure parsers on text, Tesseract on a rendered receipt, the background reading after
a receipt is stored, and the ocr_amount_mismatch / ocr_date_mismatch / receipt_number_reused
signals (positive and negative)."""

import datetime as dt

import pytest
from django.utils import timezone

from ebakul.core.periods import WIB
from ebakul.integrity import ocr
from ebakul.integrity.detectors import run_purchase_detectors
from ebakul.purchases.models import ReceiptReading
from ebakul.purchases.services import purchase_create, receipt_reading_store
from tests.factories import (
    EmployeeFactory,
    PurchaseFactory,
    enable_system_verification,
    verified_merchant,
)

from .receipt_images import receipt_file, receipt_png


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("TOTAL 25.000", 25_000),
        ("Total: 25,000", 25_000),
        ("JUMLAH Rp 25.000,-", 25_000),
        ("GRAND TOTAL Rp25.000,00", 25_000),
        ("Total Rp 1.250.000", 1_250_000),
        ("SUBTOTAL 30.000\nDiskon 5.000\nGRAND TOTAL 25.000\nTunai 50.000", 25_000),
        ("SUBTOTAL 30.000\nTOTAL 27.500\nBAYAR 30.000", 27_500),
        ("Jumlah Item 3\nJUMLAH 45.500", 45_500),
        ("TOTAL 2O.OOO", 20_000),  # letter O read for zero
        ("TOTAL 102 ,500", 102_500),  # a separator spaced off by Tesseract
        ("TOTAL Rp 40.000, -", 40_000),
        ("Terima kasih", None),
        ("SUBTOTAL 30.000", None),
        ("TOTAL. eplis 500", None),  # a fragment of a line read wrong is no total
        ("TOTAL Rp 425", None),
        ("TOTAL 726.59O", None),  # not in steps of Rp50
        ("TOTAL Rp 1.050", 1_050),
        ("TOTAL 12.350\nTOTAL 5", 12_350),  # the last plausible one of its kind
    ],
)
def test_parse_amount(text, amount):
    assert ocr.parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Tgl: 12/10/2026 13:45", dt.date(2026, 10, 12)),
        ("12-10-26", dt.date(2026, 10, 12)),
        ("12 Okt 2026", dt.date(2026, 10, 12)),
        ("Bojonegoro, 3 Agustus 2026", dt.date(2026, 8, 3)),
        ("2026-10-12 08:00", dt.date(2026, 10, 12)),
        ("5 Mei 26", dt.date(2026, 5, 5)),
        ("Telp 0812-3456-7890", None),
        ("31/02/2026", None),
    ],
)
def test_parse_date(text, date):
    assert ocr.parse_date(text) == date


def test_parse_receipt_number_name_and_phone():
    text = "TOKO ROTI MANIS\nJl. Veteran 3\nTelp (0353) 881-234\nNo. Nota: INV/2026/00123\n"
    reading = ocr.parse_receipt(text)
    assert reading.receipt_number == "INV/2026/00123"
    assert reading.seller_name == "TOKO ROTI MANIS"
    assert reading.seller_phone == "0353881234"
    assert ocr.parse_phone("WA +62 812-3456-7890") == "081234567890"
    assert ocr.parse_receipt_number("Nota #A-5521") == "A-5521"
    assert ocr.parse_receipt_number("Terima kasih") == ""


def test_tesseract_reads_a_rendered_receipt():
    reading = ocr.read_image(receipt_png(total="Rp 87.500,-", date="05-11-26", number="NT-7781"))
    assert reading.amount == 87_500
    assert reading.date == dt.date(2026, 11, 5)
    assert reading.receipt_number == "NT-7781"
    assert reading.seller_phone == "081234567890"
    assert "WARUNG" in reading.seller_name
    assert reading.engine.startswith("tesseract") and "ind" in reading.engine
    assert reading.seconds > 0


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("INV-323302\n01-06-2026 19.10", "INV-323302"),  # a prefix joined to its digits
        ("trx-190528", "TRX-190528"),
        ("Jl. Veteran No.76, Bojonegoro\nNO-947544", "NO-947544"),  # not the house number
        ("TRX/2026/0042", "TRX/2026/0042"),
        ("No. Nota: INV-00123", "INV-00123"),  # the same number with its label
        ("TRX: 88123", "88123"),
        ("Jl. Dahlia No-12, Bojonegoro", ""),
        ("Jl. Veteran No. 176 Bojonegoro\nTerima kasih", ""),  # a house number, every receipt
        ("Ruko Blok B No.12A\nNo. Nota: 88123", "88123"),
        ("JALAN RAYA NO 1002\nINV-20431", "INV-20431"),
    ],
)
def test_parse_receipt_number_with_its_prefix(text, number):
    assert ocr.parse_receipt_number(text) == number


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("INV-000123", "INV-000127", True),  # consecutive receipts of one shop
        ("NO-947544", "TRX-190528", True),
        ("INV-000123", "INV-000123", False),
        ("TRX-954778", "954778", False),  # a prefix misread or dropped
        ("INV-594", "INV-594434", False),  # a line read in part
        ("72", "NO-389900", False),  # a stray short number
        ("", "INV-000123", False),  # not read
    ],
)
def test_numbers_differ_only_on_evidence(a, b, differ):
    assert ocr.numbers_differ(a, b) is differ
    assert ocr.numbers_differ(b, a) is differ


def test_a_second_reading_fills_only_what_the_first_lacks():
    paper = ocr.parse_receipt("No. Nota: NT-7781\nTgl: 05-11-26\nTerima kasih")
    whole = ocr.parse_receipt("No. Nota: NI-7781\nTOTAL Rp 87.500,-")
    both = ocr._filled(paper, whole)
    assert (both.amount, both.date, both.receipt_number) == (
        87_500,
        dt.date(2026, 11, 5),
        "NT-7781",
    )
    assert "NT-7781" in both.text and "87.500" in both.text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_receipt_photographed_on_a_table_is_read_from_its_paper(seed):
    """A phone photo: the slip on a textured table, in perspective, a shadow over part of it,
    colour cast and blur (tests/integrity/generator_alt.photograph). Read as the whole photo,
    Tesseract found the total in 1 of 8 such photos (docs/adr/0233)."""
    import io
    import random

    from PIL import Image

    from ebakul.integrity.fingerprints import paper_for_reading
    from tests.integrity.generator_alt import jpeg_bytes, photograph
    from tests.integrity.robustness import stored

    rng = random.Random(seed)
    slip = receipt_png(total="Rp 87.500,-", date="05-11-26", number="NT-7781")
    photo = stored(jpeg_bytes(photograph(Image.open(io.BytesIO(slip)).convert("L"), rng), rng))
    assert paper_for_reading(Image.open(io.BytesIO(photo))) is not None
    reading = ocr.read_image(photo)
    assert (reading.amount, reading.date) == (87_500, dt.date(2026, 11, 5))
    assert reading.receipt_number == "NT-7781"


@pytest.mark.django_db(transaction=False)
def test_reading_is_stored_after_the_receipt_is_stored(ref, django_capture_on_commit_callbacks):
    employee = EmployeeFactory()
    merchant = verified_merchant()
    purchased_at = timezone.now() - dt.timedelta(hours=2)
    day = purchased_at.astimezone(WIB).date()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purchase = purchase_create(
            employee=employee,
            merchant=merchant,
            purchased_at=purchased_at,
            amount=40_000,
            receipt=receipt_file(date=f"{day:%d/%m/%Y}"),
            actor=employee.user,
        )
    # The upload answered without reading: the reading is only queued for after the commit.
    assert not ReceiptReading.objects.filter(purchase=purchase).exists()
    assert callbacks  # the reading (and the fingerprints) wait for the commit
    for callback in callbacks:
        callback()
    reading = ReceiptReading.objects.get(purchase=purchase)
    assert (reading.amount, reading.date) == (40_000, day)
    assert reading.receipt_sha256 == purchase.receipt_sha256
    assert "ocr_amount_mismatch" not in [f.code for f in run_purchase_detectors(purchase)]
    assert "ocr_date_mismatch" not in [f.code for f in run_purchase_detectors(purchase)]


def _read(purchase, **values):
    return receipt_reading_store(
        purchase_id=purchase.pk, receipt_sha256=purchase.receipt_sha256, **values
    )


def _codes(purchase):
    return [f.code for f in run_purchase_detectors(purchase)]


@pytest.mark.django_db
def test_ocr_amount_mismatch(ref):
    purchase = PurchaseFactory(amount=250_000)
    _read(purchase, amount=25_000)
    findings = [f for f in run_purchase_detectors(purchase) if f.code == "ocr_amount_mismatch"]
    assert len(findings) == 1 and "Rp25.000" in findings[0].detail
    honest = PurchaseFactory(amount=25_000)
    _read(honest, amount=25_000)
    unread = PurchaseFactory(amount=25_000)
    _read(unread, amount=None)
    assert "ocr_amount_mismatch" not in _codes(honest)
    assert "ocr_amount_mismatch" not in _codes(unread)


@pytest.mark.django_db
def test_a_reading_of_a_replaced_receipt_is_ignored(ref):
    purchase = PurchaseFactory(amount=250_000)
    receipt_reading_store(purchase_id=purchase.pk, receipt_sha256="0" * 64, amount=1)
    assert "ocr_amount_mismatch" not in _codes(purchase)


@pytest.mark.django_db
def test_ocr_date_mismatch(ref):
    purchase = PurchaseFactory()
    typed = purchase.purchased_at.astimezone(WIB).date()
    _read(purchase, date=typed - dt.timedelta(days=20))
    assert "ocr_date_mismatch" in _codes(purchase)
    close = PurchaseFactory()
    _read(close, date=close.purchased_at.astimezone(WIB).date() - dt.timedelta(days=1))
    assert "ocr_date_mismatch" not in _codes(close)


@pytest.mark.django_db
def test_receipt_number_reused_flags_the_later_claim_only(ref):
    merchant = verified_merchant()
    original = PurchaseFactory(merchant=merchant)
    copy = PurchaseFactory(merchant=merchant)
    elsewhere = PurchaseFactory()  # the same number at another merchant is a coincidence
    for purchase in (original, copy, elsewhere):
        _read(purchase, receipt_number="INV-00123")
    findings = [f for f in run_purchase_detectors(copy) if f.code == "receipt_number_reused"]
    assert [f.related_purchase_id for f in findings] == [original.pk]
    assert "receipt_number_reused" not in _codes(original)
    assert "receipt_number_reused" not in _codes(elsewhere)
    other_number = PurchaseFactory(merchant=merchant)
    _read(other_number, receipt_number="INV-00124")
    assert "receipt_number_reused" not in _codes(other_number)


# --- The reading counts in the stored score, and the system waits for it (docs/adr/0232) ------
def _submitted(employee, merchant, *, amount, purchased_at, callbacks_ctx, total):
    day = purchased_at.astimezone(WIB).date()
    with callbacks_ctx(execute=True):
        return purchase_create(
            employee=employee,
            merchant=merchant,
            purchased_at=purchased_at,
            amount=amount,
            receipt=receipt_file(date=f"{day:%d/%m/%Y}", total=total),
            actor=employee.user,
        )


@pytest.mark.django_db(transaction=False)
def test_a_typed_amount_the_receipt_contradicts_is_in_the_stored_score(
    ref, django_capture_on_commit_callbacks
):
    from ebakul.integrity.models import PurchaseRisk

    purchase = _submitted(
        EmployeeFactory(),
        verified_merchant(),
        amount=400_000,  # the receipt says Rp 40.000
        purchased_at=timezone.now() - dt.timedelta(hours=1),
        callbacks_ctx=django_capture_on_commit_callbacks,
        total="Rp 40.000,-",
    )
    # The fingerprint task scored first; the reading came after and scored again.
    risk = PurchaseRisk.objects.get(purchase=purchase)
    assert "ocr_amount_mismatch" in set(risk.reasons.values_list("signal_code", flat=True))
    assert risk.score > 0


@pytest.mark.django_db(transaction=False)
def test_a_reading_that_contradicts_stops_the_system_from_verifying(
    ref, django_capture_on_commit_callbacks
):
    from ebakul.integrity import services
    from ebakul.integrity.models import Route
    from ebakul.purchases.models import Purchase

    enable_system_verification(audit_sample_percent=0)
    purchase = PurchaseFactory(status="merchant_confirmed", amount=400_000)
    with django_capture_on_commit_callbacks(execute=True):
        services.score_purchase(purchase)
        receipt_reading_store(
            purchase_id=purchase.pk, receipt_sha256=purchase.receipt_sha256, amount=40_000
        )
        risk = services.rescore_after_reading(purchase.pk)
    assert risk.route != Route.AUTO_VERIFIED
    assert Purchase.objects.get(pk=purchase.pk).status == "merchant_confirmed"


@pytest.mark.django_db
def test_a_reading_of_a_purchase_not_scored_yet_leaves_the_score_to_the_fingerprint_task(ref):
    from ebakul.integrity import services
    from ebakul.integrity.models import PurchaseRisk

    purchase = PurchaseFactory()
    assert services.rescore_after_reading(purchase.pk) is None
    assert not PurchaseRisk.objects.filter(purchase=purchase).exists()
    assert services.rescore_after_reading(10**9) is None
