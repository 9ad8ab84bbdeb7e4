"""Reading receipts with Tesseract (issue 15): the text, and the total, date, receipt number,
seller name and phone parsed from it.

The parsing functions are pure (text in, value out) and unit-tested on text; :func:`read_image`
runs Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-ind``, ``pytesseract``) with a time
limit. :func:`read_receipt_task` is started by ``core.dispatch`` when ``purchases`` says a receipt
was stored (``ebakul.purchases.hooks``, registered by IntegrityConfig.ready) and stores a
``purchases.ReceiptReading``. No OCR result ever blocks a submission.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, replace

from celery import shared_task
from django.conf import settings

from ebakul.core.dispatch import dispatch

OCR_LANGUAGES = "ind+eng"
TASK_TIME_LIMIT = 60  # seconds for the background reading
PREFILL_TIME_LIMIT = 4  # seconds for the portal's pre-fill answer

# --- Amounts ----------------------------------------------------------------------------------

# A label, then (possibly after "Rp", ":" and spaces) a number as printed on Indonesian
# receipts: 25.000 / 25,000 / 25000 / Rp 25.000,- / Rp25.000,00 / 1.250.000
_NUMBER = r"(?P<number>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{2}|,-)?|\d+(?:[.,]\d{2}|,-)?)"
_LABELS = (
    ("grand", re.compile(r"\bgrand\s*total\b", re.I)),
    ("total", re.compile(r"(?<!sub)(?<!sub\s)\btotal\b(?!\s*(?:item|qty|barang|disc))", re.I)),
    ("jumlah", re.compile(r"\bjumlah\b(?!\s*(?:item|qty|barang))", re.I)),
)
_AMOUNT_AFTER = re.compile(r"[:=]?\s*(?:rp\.?|idr)?\s*" + _NUMBER, re.I)
_NUMBER_TOKEN = re.compile(r"(?<![A-Za-z])[0-9Oo][0-9Oo.,]*(?![A-Za-z])")


# Tesseract sometimes spaces a separator off its digits: "102 ,500", "40.000, -".
_SPACED_SEPARATOR = re.compile(r"(?<=\d)\s+(?=[.,]\d)|(?<=\d[.,])\s+(?=\d|-)")


def _o_as_zero(line: str) -> str:
    """Tesseract often reads 0 as the letter O inside amounts (``2O.OOO``)."""
    return _NUMBER_TOKEN.sub(
        lambda m: (
            m[0].replace("O", "0").replace("o", "0") if any(c.isdigit() for c in m[0]) else m[0]
        ),
        line,
    )


def parse_number(text: str) -> int | None:
    """``25.000`` / ``25,000`` / ``25.000,-`` / ``25.000,00`` / ``25000`` → 25000."""
    t = (text or "").strip().replace(" ", "")
    t = re.sub(r",-$", "", t)
    t = re.sub(r"[.,]\d{2}$", "", t) if re.search(r"\d[.,]\d{3}[.,]\d{2}$|^\d+[.,]\d{2}$", t) else t
    digits = re.sub(r"[.,]", "", t)
    if not digits.isdigit() or not digits.isascii():
        return None
    return int(digits)


def plausible_total(value: int) -> bool:
    """A receipt's total in rupiah: Rp1.000 or more, in steps of Rp50 (the smallest coin in
    use). A fragment of a line read wrong (``5``, ``425``, ``106`` of ``106.500``, ``726.59O``)
    is not one; reading it would tell an honest claim it contradicts its receipt."""
    return value >= 1_000 and value % 50 == 0


def parse_amount(text: str) -> int | None:
    """The total of the receipt: GRAND TOTAL first, then TOTAL (not SUBTOTAL), then JUMLAH; the
    last such line of its kind (a receipt prints the running total before the final one) whose
    value is a ``plausible_total``."""
    lines = [_SPACED_SEPARATOR.sub("", _o_as_zero(line)) for line in (text or "").splitlines()]
    for _kind, label in _LABELS:
        found = None
        for line in lines:
            match = label.search(line)
            if not match:
                continue
            after = _AMOUNT_AFTER.search(line, match.end())
            if after:
                value = parse_number(after.group("number"))
                if value and plausible_total(value):
                    found = value
        if found:
            return found
    return None


# --- Dates ------------------------------------------------------------------------------------

MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "pebruari": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agus": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})[\s.-]*([A-Za-z]{3,9})\.?[\s.,-]*(\d{4}|\d{2})\b")


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if 2000 <= value.year <= 2100 else None


def parse_date(text: str) -> dt.date | None:
    """The first date printed: ``12/10/2026``, ``12-10-26``, ``12.10.2026`` (day first, as in
    Indonesia), ``2026-10-12``, ``12 Okt 2026``, ``12 Oktober 2026``."""
    candidates: list[tuple[int, dt.date]] = []
    for match in _ISO_DATE.finditer(text or ""):
        value = _date(int(match[1]), int(match[2]), int(match[3]))
        if value:
            candidates.append((match.start(), value))
    for match in _NUMERIC_DATE.finditer(text or ""):
        value = _date(_year(match[3]), int(match[2]), int(match[1]))
        if value:
            candidates.append((match.start(), value))
    for match in _WORD_DATE.finditer(text or ""):
        month = MONTHS.get(match[2].lower())
        if month:
            value = _date(_year(match[3]), month, int(match[1]))
            if value:
                candidates.append((match.start(), value))
    return min(candidates)[1] if candidates else None


# --- Receipt number, seller, phone ------------------------------------------------------------

_RECEIPT_NUMBER = re.compile(
    # a prefix joined to its digits is part of the number: INV-323302, TRX/2026/0042, NO-947544
    r"\b(?:(?P<joined>(?:inv|trx|no|nt|nota|faktur|bon|struk)[-/]\d[A-Z0-9/._-]{2,40})|"
    r"(?:no(?:mor)?\.?\s*(?:nota|struk|faktur|invoice|transaksi|trx|bon)?|nota|faktur|invoice|"
    r"inv|receipt\s*no|bon|trx(?:\s*id)?|kode\s*transaksi)\s*(?:#|no\.?)?\s*[:.#-]?\s*"
    r"(?P<number>[A-Z0-9][A-Z0-9/._-]{2,40}))",
    re.I,
)
_PHONE = re.compile(
    r"(?:\+62|62|0)[\s-]?8\d{1,3}(?:[\s.-]?\d{2,5}){2,3}|\(?0\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}"
)
_NOT_A_NAME = re.compile(
    r"\d{3,}|\b(?:telp|tlp|hp|wa|no|nota|struk|tanggal|tgl|jam|kasir|total|jumlah|jl|jalan|alamat|"
    r"npwp|www|http)\b",
    re.I,
)


# A house number is no receipt number: "Jl. Veteran No. 176", "Ruko Blok B No.12A".
_ADDRESS = re.compile(
    r"\b(?:jl|jln|jalan|gg|gang|blok|ruko|komplek|kompleks|perum|perumahan|ds|desa|dusun|"
    r"kel|kelurahan|kec|rt|rw)\b\.?",
    re.I,
)


def parse_receipt_number(text: str) -> str:
    """The first receipt number printed: after a label (``No. Nota: 123``, ``Nota #A-5521``) or
    with its prefix joined (``INV-323302``); never a number on an address line."""
    text = text or ""
    for match in _RECEIPT_NUMBER.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if _ADDRESS.search(text, line_start, match.start()):
            continue
        number = (match.group("joined") or match.group("number")).strip("._-/")
        if any(ch.isdigit() for ch in number) and not _NUMERIC_DATE.fullmatch(number):
            return number.upper()
    return ""


NUMBER_DIGITS = 5  # receipt numbers compared only when both read this many digits or more


def numbers_differ(a: str, b: str) -> bool:
    """Whether two receipt numbers read by OCR name two receipts: both carry ``NUMBER_DIGITS``
    digits or more and neither's digits contain the other's. A misread prefix (``TRX-954778`` /
    ``954778``), a line read only in part (``INV-594`` / ``INV-594434``) or a stray short number
    is no evidence; consecutive numbers of one shop (``000123`` / ``000127``) are."""
    da, db = re.sub(r"\D", "", a or ""), re.sub(r"\D", "", b or "")
    if min(len(da), len(db)) < NUMBER_DIGITS:
        return False
    return da not in db and db not in da


def parse_phone(text: str) -> str:
    """The seller's phone, normalised to digits (``0812...`` or ``0353...``)."""
    for match in _PHONE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(0))
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        if 9 <= len(digits) <= 14:
            return digits
    return ""


def parse_seller_name(text: str) -> str:
    """The first line that reads like a name: letters, no long numbers, no field labels."""
    for raw in (text or "").splitlines()[:6]:
        line = " ".join(raw.split()).strip(" *=-_:|")
        letters = sum(ch.isalpha() for ch in line)
        if (
            letters >= 3
            and letters >= 0.6 * len(line.replace(" ", ""))
            and not _NOT_A_NAME.search(line)
        ):
            return line[:150]
    return ""


@dataclass(frozen=True)
class Reading:
    text: str
    amount: int | None
    date: dt.date | None
    receipt_number: str
    seller_name: str
    seller_phone: str
    seconds: float = 0.0
    engine: str = ""


def parse_receipt(text: str, *, seconds: float = 0.0, engine: str = "") -> Reading:
    return Reading(
        text=text,
        amount=parse_amount(text),
        date=parse_date(text),
        receipt_number=parse_receipt_number(text),
        seller_name=parse_seller_name(text),
        seller_phone=parse_phone(text),
        seconds=seconds,
        engine=engine,
    )


# --- Tesseract --------------------------------------------------------------------------------


def engine_name() -> str:
    import pytesseract

    return f"tesseract {pytesseract.get_tesseract_version()} {OCR_LANGUAGES}"


def _tesseract(img, timeout: float) -> str:
    """Tesseract's text of a grayscale picture, at least ~1500 px high so small print is
    legible. RuntimeError when the time limit is hit."""
    import pytesseract
    from PIL import ImageOps

    if img.height < 1500:
        scale = min(3.0, 1500 / max(img.height, 1))
        img = img.resize((int(img.width * scale), int(img.height * scale)))
    img = ImageOps.autocontrast(img)
    return pytesseract.image_to_string(img, lang=OCR_LANGUAGES, config="--psm 4", timeout=timeout)


FIELDS = ("amount", "date", "receipt_number", "seller_name", "seller_phone")


def _filled(first: Reading, second: Reading) -> Reading:
    """``first`` with what it lacks taken from ``second`` (two readings of one photo), the
    texts of both kept for the verifier."""
    return replace(
        first,
        text=f"{first.text.rstrip()}\n\n{second.text.strip()}".strip(),
        **{name: getattr(first, name) or getattr(second, name) for name in FIELDS},
    )


def read_image(data: bytes, *, timeout: float = TASK_TIME_LIMIT) -> Reading:
    """The reading of a receipt photo (already cleaned by core.uploads), upright and grayscale.

    The paper is read first: cut out of the photo with its perspective undone and its lighting
    flattened (``fingerprints.paper_for_reading``), since a table around the receipt or a shadow
    over it make Tesseract read nothing or noise. When that reading has no total (the sheet found
    may be only part of the paper, or a textured margin may stop the page layout early) the whole
    photo is read too, in the time left, and fills what the paper's reading lacks.
    docs/adr/0233. RuntimeError when the time limit is hit before any reading."""
    from PIL import Image, ImageOps

    from ebakul.integrity.fingerprints import paper_for_reading

    started = time.perf_counter()
    with Image.open(io.BytesIO(data)) as img:
        photo = ImageOps.exif_transpose(img).convert("L")
    paper = paper_for_reading(photo)
    reading = parse_receipt(_tesseract(paper or photo, timeout))
    left = timeout - (time.perf_counter() - started)
    if paper is not None and not reading.amount and left >= 1:
        with suppress(RuntimeError):  # out of time: the paper's reading stands
            reading = _filled(reading, parse_receipt(_tesseract(photo, left)))
    return replace(reading, seconds=time.perf_counter() - started, engine=engine_name())


@shared_task(name="ebakul.integrity.ocr.read_receipt", ignore_result=True)
def read_receipt_task(purchase_id: int) -> None:
    """Read a purchase's receipt and store the reading. The receipt may have been replaced or
    the purchase deleted meanwhile: a stale or missing one is skipped."""
    from ebakul.purchases.models import Purchase

    purchase = Purchase.objects.filter(pk=purchase_id).only("pk", "receipt", "receipt_sha256")
    purchase = purchase.first()
    if purchase is None or not purchase.receipt:
        return
    sha = purchase.receipt_sha256
    with purchase.receipt.open("rb") as fh:
        data = fh.read()
    try:
        reading = read_image(data)
    except RuntimeError:  # the time limit: store that nothing could be read in time
        reading = Reading("", None, None, "", "", "", float(TASK_TIME_LIMIT), engine_name())
    if Purchase.objects.filter(pk=purchase_id, receipt_sha256=sha).exists():
        store_reading(purchase_id, sha, reading)
        from .services import rescore_after_reading

        rescore_after_reading(purchase_id)


def store_reading(purchase_id: int, receipt_sha256: str, reading: Reading) -> None:
    """Store ``reading`` as the reading of that purchase's receipt (the task and the import)."""
    from ebakul.purchases.services import receipt_reading_store

    receipt_reading_store(
        purchase_id=purchase_id,
        receipt_sha256=receipt_sha256,
        text=reading.text,
        amount=reading.amount,
        date=reading.date,
        receipt_number=reading.receipt_number,
        seller_name=reading.seller_name,
        seller_phone=reading.seller_phone,
        seconds=round(reading.seconds, 3),
        engine=reading.engine,
    )


def reading_ready(purchase) -> bool:
    """Whether the OCR signals of ``purchase`` can be judged: its receipt's reading is stored
    (an empty one when nothing could be read in time), or no reading is coming (no receipt, or
    ``OCR_ON_UPLOAD`` off). Until then the system does not verify it (docs/adr/0232)."""
    from ebakul.integrity.selectors import current_readings

    if not purchase.receipt or not settings.EBAKUL.get("OCR_ON_UPLOAD", True):
        return True
    return current_readings().filter(purchase_id=purchase.pk).exists()


# Set by the import when it reads the receipts itself (in its worker processes, imports.py).
_READ_INLINE: ContextVar[bool] = ContextVar("integrity_read_inline", default=False)


@contextmanager
def reading_inline(on: bool = True):
    token = _READ_INLINE.set(on)
    try:
        yield
    finally:
        _READ_INLINE.reset(token)


def receipt_stored(purchase) -> None:
    """Start reading a stored receipt after the commit (unless OCR_ON_UPLOAD is off or the
    import reads it itself)."""
    if settings.EBAKUL.get("OCR_ON_UPLOAD", True) and not _READ_INLINE.get():
        dispatch(read_receipt_task, purchase.pk)
