"""``import_purchases``: claims of the running programme, replayed through the portal's services
(issue 15). Also how an inspector replays a batch.

Rows are taken in file order, as if submitted in that order: each row is recorded
(``purchase_create``: every portal rule, the exact-duplicate refusal included), submitted as the
system (``apply_system_action``; the submission close is ignored for periods that are not locked,
a locked period refuses), then fingerprinted and scored before the next row, so the earlier claim
of a receipt or a payment reference is the original. ``external_id`` is the idempotency key: a row
already imported (or refused) is reported again, never recorded twice. The receipts' hashes and
their OCR reading (unless ``ocr`` is off) are computed ahead of the (sequential) writes, in
``workers`` processes when > 1; the reading is stored before the row is scored, so its signals
(amount or date differing, a receipt number used before) count in file order too.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ebakul.core.errors import DomainError
from ebakul.core.periods import WIB, period_of
from ebakul.core.replay import replaying
from ebakul.employees.models import Employee
from ebakul.merchants.models import UmkmMerchant
from ebakul.purchases.models import Purchase

from . import ocr, services
from .fingerprints import Fingerprint, fingerprint
from .models import ImportedRow

COLUMNS = (
    "external_id",
    "nip",
    "merchant_nib",
    "purchased_at",
    "amount",
    "payment_method",
    "payment_reference",
    "description",
    "receipt_file",
)
RESULT_COLUMNS = (
    "line",
    "external_id",
    "result",
    "document_number",
    "risk_score",
    "route",
    "signals",
    "message",
)


class RowRefused(Exception):
    def __init__(self, message: str, signals: str = ""):
        super().__init__(message)
        self.message = message
        self.signals = signals


@dataclass
class RowResult:
    line: int
    external_id: str
    result: str  # imported | already_imported | refused | would_import
    document_number: str = ""
    risk_score: int | str = ""
    route: str = ""
    signals: str = ""
    message: str = ""

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in RESULT_COLUMNS}


@dataclass
class Summary:
    results: list[RowResult] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for r in self.results if r.result == result)


def read_rows(path: Path) -> Iterator[dict]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise DomainError(f"missing columns: {', '.join(missing)}")
        yield from reader


def parse_time(value: str) -> dt.datetime:
    value = (value or "").strip()
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowRefused(f"purchased_at bukan tanggal ISO 8601: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def _messages(exc: Exception) -> tuple[str, str]:
    """(message, signal codes) of a refusal."""
    if isinstance(exc, ValidationError):
        signals, texts = [], []
        items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]
        for name, errors in items:
            for e in errors:
                if e.code == services.SIGNAL_EXACT:
                    signals.append(e.code)
                texts.append(f"{name}: {' '.join(str(m) for m in e.messages)}".strip(": "))
        return "; ".join(texts), ";".join(signals)
    return str(getattr(exc, "message", exc)), ""


Prepared = tuple[Fingerprint | None, "ocr.Reading | None"]


def _prepare_file(path: str, read: bool = False) -> Prepared:
    """In a worker process: the hashes of the receipt as it WILL be stored (cleaned and
    re-encoded exactly as the upload service does, which is deterministic) and, when ``read``,
    its OCR reading. Only used when the stored bytes turn out the same (same SHA-256)."""
    from ebakul.purchases.receipts import clean_receipt

    try:
        data = Path(path).read_bytes()
        stored = clean_receipt(SimpleUploadedFile(Path(path).name, data)).read()
        fp = fingerprint(stored)
    except Exception:  # noqa: BLE001 - the row's own check reports an unreadable receipt
        return None, None
    reading = None
    if read:
        try:
            reading = ocr.read_image(stored)
        except Exception:  # noqa: BLE001 - no OCR result may block a claim (issue 15)
            reading = None
    return fp, reading


def _prepare_ocr(path: str) -> Prepared:
    return _prepare_file(path, read=True)


def import_rows(
    rows: Iterable[dict],
    *,
    receipts_dir: Path,
    workers: int = 1,
    dry_run: bool = False,
    read: bool | None = None,
) -> Summary:
    """``read``: OCR every receipt here (default: the ``OCR_ON_UPLOAD`` setting)."""
    if read is None:
        read = bool(settings.EBAKUL.get("OCR_ON_UPLOAD", True))
    rows = list(rows)
    summary = Summary()
    prehashed: dict[int, Prepared] = {}
    paths = {
        i: str(receipts_dir / Path(r.get("receipt_file", "")).name)
        for i, r in enumerate(rows)
        if r.get("receipt_file")
        and not ImportedRow.objects.filter(external_id=r.get("external_id", "")).exists()
    }
    prepare = _prepare_ocr if read else _prepare_file
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, done in zip(paths, pool.map(prepare, paths.values(), chunksize=4), strict=True):
                prehashed[i] = done
    elif read:
        prehashed = {i: prepare(path) for i, path in paths.items()}
    created_files: list[tuple] = []
    with transaction.atomic(), ocr.reading_inline(read):
        for i, row in enumerate(rows):
            summary.results.append(
                _import_row(i + 2, row, receipts_dir, prehashed.get(i), dry_run, created_files)
            )
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        for storage, name in created_files:
            storage.delete(name)
    return summary


def _import_row(line, row, receipts_dir, prehashed, dry_run, created_files) -> RowResult:
    external_id = (row.get("external_id") or "").strip()
    if not external_id:
        return RowResult(line, "", "refused", message="external_id kosong")
    done = ImportedRow.objects.filter(external_id=external_id).select_related("purchase").first()
    if done is not None:
        p = done.purchase
        risk = getattr(p, "risk", None) if p else None
        return RowResult(
            line,
            external_id,
            "already_imported",
            document_number=p.document_number if p else "",
            risk_score=risk.score if risk else "",
            route=risk.route if risk else ("refused" if done.refused_signals or not p else ""),
            signals=done.refused_signals,
            message=done.message,
        )
    try:
        with transaction.atomic():
            purchase = _record(row, receipts_dir)
            if purchase.receipt:
                created_files.append((purchase.receipt.storage, purchase.receipt.name))
            fp, reading = prehashed or (None, None)
            same = fp is not None and fp.sha256_bytes == purchase.receipt_sha256
            services.record_facts(purchase, fp=fp if same else None)
            if reading is not None and same:
                ocr.store_reading(purchase.pk, purchase.receipt_sha256, reading)
            risk = services.score_purchase(purchase)
            ImportedRow.objects.create(
                external_id=external_id,
                purchase=purchase,
                period=purchase.period,
                nip=purchase.employee.nip,
                merchant_nib=purchase.merchant.nib,
                amount=purchase.amount,
            )
    except (RowRefused, ValidationError, DomainError) as exc:
        if isinstance(exc, RowRefused):
            message, signals = exc.message, exc.signals
        else:
            message, signals = _messages(exc)
        ImportedRow.objects.create(
            external_id=external_id,
            period=_period_or_blank(row),
            nip=(row.get("nip") or "")[:30],
            merchant_nib=(row.get("merchant_nib") or "")[:30],
            amount=_int_or_zero(row.get("amount")),
            refused_signals=signals[:200],
            message=message[:500],
        )
        return RowResult(
            line, external_id, "refused", route="refused", signals=signals, message=message
        )
    signals = ";".join(r.signal_code for r in risk.reasons.all())
    return RowResult(
        line,
        external_id,
        "would_import" if dry_run else "imported",
        document_number=purchase.document_number,
        risk_score=risk.score,
        route=risk.route,
        signals=signals,
    )


def _period_or_blank(row) -> str:
    try:
        return period_of(parse_time(row.get("purchased_at", "")))
    except RowRefused:
        return ""


def _int_or_zero(value) -> int:
    try:
        return max(int(str(value).strip()), 0)
    except (TypeError, ValueError):
        return 0


def _record(row: dict, receipts_dir: Path) -> Purchase:
    from ebakul.purchases.services import purchase_create
    from ebakul.workflow.selectors import PURCHASE, submit_action
    from ebakul.workflow.services import apply_system_action

    employee = Employee.objects.filter(nip=(row.get("nip") or "").strip()).first()
    if employee is None:
        raise RowRefused(f"NIP {row.get('nip')!r} tidak dikenal")
    merchant = UmkmMerchant.objects.filter(nib=(row.get("merchant_nib") or "").strip()).first()
    if merchant is None:
        raise RowRefused(f"NIB {row.get('merchant_nib')!r} tidak dikenal")
    try:
        amount = int((row.get("amount") or "").strip())
    except ValueError:
        raise RowRefused(f"jumlah bukan angka: {row.get('amount')!r}") from None
    name = Path((row.get("receipt_file") or "").strip()).name
    path = receipts_dir / name
    if not name or not path.is_file():
        raise RowRefused(f"berkas nota tidak ditemukan: {name!r}")
    upload = SimpleUploadedFile(name, path.read_bytes())
    method = (row.get("payment_method") or "cash").strip().lower() or "cash"
    with replaying(), services.inline_checks():
        purchase = purchase_create(
            employee=employee,
            merchant=merchant,
            purchased_at=parse_time(row.get("purchased_at", "")),
            amount=amount,
            receipt=upload,
            actor=None,
            description=(row.get("description") or "").strip()[:255],
            payment_method=method,
            qris_reference=(row.get("payment_reference") or "").strip()[:64],
        )
        action = submit_action(PURCHASE, purchase.status)
        if action:
            apply_system_action(
                document=purchase, action=action, comment="Diimpor dari program berjalan"
            )
    purchase.refresh_from_db()
    return purchase


def write_results(summary: Summary, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=RESULT_COLUMNS)
        writer.writeheader()
        for r in summary.results:
            writer.writerow(r.as_row())
