"""The catalogue import (issue 17): one CSV row at a time through ``listing_save``, the same
service and checks as the merchant portal; idempotent on (merchant, name). Returns one result per
row, written by the command to a result file."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ebakul.core.errors import DomainError
from ebakul.core.spreadsheet import safe_row
from ebakul.merchants.models import MerchantCategory, UmkmMerchant

from .models import Listing
from .services import listing_save

COLUMNS = (
    "merchant_nib",
    "name",
    "description",
    "price",
    "unit",
    "category_code",
    "available",
    "photo_file",
)
TRUE = {"1", "ya", "y", "yes", "true", "benar", "tersedia"}
FALSE = {"0", "tidak", "t", "no", "n", "false", "salah", "habis", ""}


class RowError(Exception):
    pass


@dataclass
class RowResult:
    line: int
    merchant_nib: str
    name: str
    outcome: str  # created | updated | refused
    message: str = ""


def _price(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    digits = re.sub(r"(?i)^rp\s*|[.\s]", "", raw)
    if not re.fullmatch(r"[0-9]{1,12}", digits) or int(digits) == 0:
        raise RowError(_("The price must be whole rupiah, e.g. 15000, or empty."))
    return int(digits)


def _available(raw: str) -> bool:
    value = (raw or "").strip().casefold()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise RowError(_("available must be 1 or 0 (ya/tidak)."))


def _messages(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    return str(exc)


def import_rows(path: Path, *, photos: Path | None = None, dry_run: bool = False):
    """Import every row; a refused row changes nothing and does not stop the others. With
    ``dry_run`` everything is checked and rolled back."""
    results: list[RowResult] = []
    categories = {c.code: c for c in MerchantCategory.objects.filter(active=True)}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RowError(_("Missing columns: %(cols)s") % {"cols": ", ".join(missing)})
        with transaction.atomic():
            for line, row in enumerate(reader, start=2):
                results.append(_one(line, row, categories, photos))
            if dry_run:
                transaction.set_rollback(True)
    return results


def _one(line: int, row: dict, categories: dict, photos: Path | None) -> RowResult:
    nib = (row.get("merchant_nib") or "").strip()
    name = (row.get("name") or "").strip()
    result = RowResult(line, nib, name, "refused")
    try:
        with transaction.atomic():
            merchant = UmkmMerchant.objects.filter(nib=nib).first()
            if merchant is None:
                raise RowError(_("No merchant with this NIB."))
            category = categories.get((row.get("category_code") or "").strip())
            if category is None:
                raise RowError(_("Unknown category code."))
            existing = Listing.objects.filter(merchant=merchant, name=name).first()
            photo = None
            photo_name = (row.get("photo_file") or "").strip()
            if photo_name:
                if photos is None:
                    raise RowError(_("A photo is named but no --photos folder was given."))
                candidate = photos / Path(photo_name).name  # never outside the folder
                if not candidate.is_file():
                    raise RowError(_("Photo file not found."))
                photo = File(candidate.open("rb"), name=candidate.name)
            try:
                listing_save(
                    merchant=merchant,
                    actor=None,
                    listing=existing,
                    name=name,
                    category=category,
                    description=row.get("description") or "",
                    price=_price(row.get("price", "")),
                    unit=(row.get("unit") or "").strip() or "pcs",
                    available=_available(row.get("available", "1")),
                    photo=photo,
                )
            finally:
                if photo is not None:
                    photo.close()
            result.outcome = "updated" if existing else "created"
    except (RowError, DomainError, ValidationError) as exc:
        result.message = _messages(exc)
    return result


def write_results(results: list[RowResult], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "merchant_nib", "name", "outcome", "message"])
        for r in results:
            writer.writerow(safe_row([r.line, r.merchant_nib, r.name, r.outcome, r.message]))
