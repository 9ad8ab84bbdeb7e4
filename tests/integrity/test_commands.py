import csv
import datetime as dt

import pytest
from django.core.management import call_command

from ebakul.compliance.models import Period, PeriodStatus
from ebakul.compliance.selectors import default_calendar
from ebakul.core.periods import current_period, previous_period
from ebakul.integrity.models import ImportedRow, PurchaseRisk
from ebakul.purchases.models import Purchase
from tests.factories import EmployeeFactory, verified_merchant
from tests.integrity.conftest import copy_of, new_receipt

pytestmark = pytest.mark.django_db(transaction=False)


def write_csv(path, rows):
    from ebakul.integrity.imports import COLUMNS

    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow(r)


def read_csv(path):
    with path.open() as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def batch(ref, tmp_path, rng):
    """Five rows: an honest one, a colleague's exact copy (refused), a near copy, a reused
    payment reference and an unknown NIP."""
    period = previous_period(current_period())
    year, month = map(int, period.split("-"))
    when = dt.datetime(year, month, 10, 9, 30).isoformat()  # naive: WIB
    a, b, c = EmployeeFactory(), EmployeeFactory(), EmployeeFactory()
    m = verified_merchant()
    receipts = tmp_path / "struk"
    receipts.mkdir()
    original = new_receipt(rng)
    (receipts / "r1.jpg").write_bytes(original)
    (receipts / "r2.jpg").write_bytes(original)
    (receipts / "r3.jpg").write_bytes(copy_of(original, "brightness", rng))
    (receipts / "r4.jpg").write_bytes(new_receipt(rng))
    (receipts / "r5.jpg").write_bytes(new_receipt(rng))
    common = {
        "merchant_nib": m.nib,
        "purchased_at": when,
        "amount": "75000",
        "description": "makan siang",
    }
    rows = [
        {
            **common,
            "external_id": "X1",
            "nip": a.nip,
            "payment_method": "qris",
            "payment_reference": "QR-1",
            "receipt_file": "r1.jpg",
        },
        {
            **common,
            "external_id": "X2",
            "nip": b.nip,
            "payment_method": "cash",
            "payment_reference": "",
            "receipt_file": "r2.jpg",
        },
        {
            **common,
            "external_id": "X3",
            "nip": c.nip,
            "payment_method": "cash",
            "payment_reference": "",
            "receipt_file": "r3.jpg",
        },
        {
            **common,
            "external_id": "X4",
            "nip": b.nip,
            "payment_method": "qris",
            "payment_reference": "qr1",
            "receipt_file": "r4.jpg",
        },
        {
            **common,
            "external_id": "X5",
            "nip": "199999999999999999",
            "payment_method": "cash",
            "payment_reference": "",
            "receipt_file": "r5.jpg",
        },
    ]
    path = tmp_path / "pembelian.csv"
    write_csv(path, rows)
    return path, receipts, period


def test_import_replays_rows_in_order_and_says_which_signal(batch, tmp_path):
    """(Without OCR: the drawn receipts' totals and dates are not the typed ones; the OCR
    signals are tested below.)"""
    path, receipts, period = batch
    call_command("import_purchases", str(path), "--receipts", str(receipts), "--no-ocr")
    result = {r["external_id"]: r for r in read_csv(tmp_path / "pembelian.csv.result.csv")}
    assert result["X1"]["result"] == "imported" and result["X1"]["signals"] == ""
    assert result["X2"]["result"] == "refused"
    assert result["X2"]["signals"] == "duplicate_receipt_exact"
    assert result["X3"]["route"] == "investigate"
    assert "duplicate_receipt_near" in result["X3"]["signals"]
    assert "payment_reference_reused" in result["X4"]["signals"]
    assert result["X5"]["result"] == "refused" and "NIP" in result["X5"]["message"]
    x1 = Purchase.objects.get(document_number=result["X1"]["document_number"])
    assert x1.status == "submitted"  # submitted although the period's close has passed
    assert PurchaseRisk.objects.get(purchase=x1).score == 0  # the original stays clean

    # Idempotent: the same file again records nothing new.
    n = Purchase.objects.count()
    call_command("import_purchases", str(path), "--receipts", str(receipts), "--no-ocr")
    again = {r["external_id"]: r for r in read_csv(tmp_path / "pembelian.csv.result.csv")}
    assert Purchase.objects.count() == n
    assert {r["result"] for r in again.values()} == {"already_imported"}
    assert again["X2"]["route"] == "refused"

    out = tmp_path / "export.csv"
    call_command("export_integrity", period, "--output", str(out))
    exported = {r["external_id"]: r for r in read_csv(out)}
    assert exported["X2"]["route"] == "refused"
    assert exported["X2"]["signals"] == "duplicate_receipt_exact"
    assert exported["X3"]["route"] == "investigate"
    assert exported["X1"]["route"] in {"auto_verified", "audit_sample"}
    assert set(exported["X1"]) == {
        "external_id",
        "document_number",
        "nip",
        "merchant_nib",
        "amount",
        "risk_score",
        "route",
        "signals",
    }


def test_dry_run_writes_nothing(batch, tmp_path):
    path, receipts, _period = batch
    n = Purchase.objects.count()
    call_command("import_purchases", str(path), "--receipts", str(receipts), "--dry-run")
    result = read_csv(tmp_path / "pembelian.csv.result.csv")
    assert [r["result"] for r in result][:1] == ["would_import"]
    assert Purchase.objects.count() == n
    assert not ImportedRow.objects.exists()


def test_import_never_writes_into_a_locked_period(batch, tmp_path):
    path, receipts, period = batch
    Period.objects.create(period=period, status=PeriodStatus.LOCKED, **default_calendar(period))
    call_command("import_purchases", str(path), "--receipts", str(receipts))
    result = read_csv(tmp_path / "pembelian.csv.result.csv")
    assert {r["result"] for r in result} == {"refused"}
    assert not Purchase.objects.filter(period=period).exists()


def test_import_with_workers_gives_the_same_result(batch, tmp_path):
    path, receipts, _period = batch
    call_command("import_purchases", str(path), "--receipts", str(receipts), "--workers", "2")
    result = {r["external_id"]: r for r in read_csv(tmp_path / "pembelian.csv.result.csv")}
    assert result["X2"]["signals"] == "duplicate_receipt_exact"
    assert "duplicate_receipt_near" in result["X3"]["signals"]


def test_import_reads_the_receipts_before_scoring_each_row(batch, tmp_path):
    """The workers read the receipts (OCR) with the hashes; the reading is stored before the
    row is scored, so scoring the row again later changes nothing."""
    from ebakul.integrity import services
    from ebakul.integrity.models import ImportedRow, PurchaseRisk
    from ebakul.purchases.models import ReceiptReading

    path, receipts, _period = batch
    call_command("import_purchases", str(path), "--receipts", str(receipts), "--workers", "2")
    imported = list(
        ImportedRow.objects.filter(purchase__isnull=False).values_list("purchase_id", flat=True)
    )
    readings = ReceiptReading.objects.filter(purchase_id__in=imported)
    assert readings.count() == len(imported) == 3
    assert all(r.engine.startswith("tesseract") and r.text for r in readings)
    for pid in imported:
        risk = PurchaseRisk.objects.get(purchase_id=pid)
        before = sorted(risk.reasons.values_list("signal_code", flat=True))
        services.score_purchase(Purchase.objects.get(pk=pid), auto_verify=False)
        assert sorted(risk.reasons.values_list("signal_code", flat=True)) == before


def test_import_without_ocr_reads_nothing_itself(batch):
    from ebakul.purchases.models import ReceiptReading

    path, receipts, _period = batch
    call_command("import_purchases", str(path), "--receipts", str(receipts), "--no-ocr")
    assert Purchase.objects.exists() and not ReceiptReading.objects.exists()
