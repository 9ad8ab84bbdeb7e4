"""manage.py import_merchants FILE.csv [--dry-run] [--results OUT.csv] [--actor USERNAME]

Registers the merchants of the running programme (issue 15) through the same services as the
portal and the desk: ``merchant_create`` (every model rule, the chain list, NIK/KK checks),
``merchant_set_qris`` (TLV and CRC of the QRIS) and, for a row with ``verified_from``,
``merchant_import_verification`` (verified from the start of that date, WIB). Idempotent: the
NIB is the key, a merchant already registered is left as it is (its QRIS is added if it has
none). ``--dry-run`` runs every row the same way and rolls it back. One result line per row.
Columns: nib,name,owner_name,owner_nik,owner_kk,kecamatan_code,category_code,address,phone,
qris_payload,verified_from (see docs/adr/0213).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from ebakul.core.errors import DomainError
from ebakul.core.periods import WIB
from ebakul.core.validators import normalize_phone
from ebakul.merchants.models import Kecamatan, MerchantCategory, UmkmMerchant
from ebakul.merchants.services import (
    merchant_create,
    merchant_import_verification,
    merchant_set_qris,
)

COLUMNS = (
    "nib",
    "name",
    "owner_name",
    "owner_nik",
    "owner_kk",
    "kecamatan_code",
    "category_code",
    "address",
    "phone",
    "qris_payload",
    "verified_from",
)
RESULT_COLUMNS = ("row", "nib", "result", "document_number", "message")
VILLAGE_UNKNOWN = "-"  # the file has no village; the merchant completes it in the portal


class RowRefused(Exception):
    pass


class _DryRun(Exception):
    pass


def find_kecamatan(value: str) -> Kecamatan:
    value = (value or "").strip()
    found = Kecamatan.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()
    if not value or found is None:
        raise RowRefused(f"kecamatan_code: unknown kecamatan code or name {value!r}")
    return found


def find_category(value: str) -> MerchantCategory:
    value = (value or "").strip()
    found = MerchantCategory.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()
    if not value or found is None:
        raise RowRefused(f"category_code: unknown category {value!r}")
    return found


def parse_verified_from(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        raise RowRefused(f"verified_from: not a date YYYY-MM-DD: {value!r}") from None
    return dt.datetime.combine(day, dt.time.min, tzinfo=WIB)


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in exc.message_dict.items())
    return "; ".join(str(m) for m in exc.messages)


def import_row(row: dict, *, actor) -> tuple[str, UmkmMerchant]:
    nib = (row.get("nib") or "").strip()
    existing = UmkmMerchant.objects.filter(nib=nib).first() if nib else None
    payload = (row.get("qris_payload") or "").strip()
    if existing is not None:
        if payload and not existing.qris_payload:
            merchant_set_qris(merchant=existing, actor=actor, payload=payload)
            return "updated_qris", existing
        return "exists", existing
    merchant = merchant_create(
        actor=actor,
        nib=nib,
        business_name=(row.get("name") or "").strip(),
        owner_name=(row.get("owner_name") or "").strip(),
        owner_nik=(row.get("owner_nik") or "").strip(),
        owner_kk=(row.get("owner_kk") or "").strip(),
        kecamatan=find_kecamatan(row.get("kecamatan_code")),
        category=find_category(row.get("category_code")),
        village=VILLAGE_UNKNOWN,
        address=(row.get("address") or "").strip(),
        phone=normalize_phone(row.get("phone") or ""),
    )
    if payload:
        merchant = merchant_set_qris(merchant=merchant, actor=actor, payload=payload)
    verified_from = parse_verified_from(row.get("verified_from"))
    if verified_from is not None:
        merchant = merchant_import_verification(
            merchant=merchant, verified_from=verified_from, actor=actor, note="import_merchants"
        )
    return "created", merchant


class Command(BaseCommand):
    help = "Register merchants from a CSV file through the portal's services (issue 15)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--results", help="per-row result CSV (default FILE.results.csv)")
        parser.add_argument("--actor", help="username recorded as the author (default: system)")

    def handle(self, *args, **options):
        source = Path(options["file"])
        if not source.exists():
            raise CommandError(f"{source} does not exist")
        actor = None
        if options.get("actor"):
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"no user {options['actor']!r}")
        results_path = Path(options.get("results") or f"{source}.results.csv")
        dry_run = options["dry_run"]
        counts: dict[str, int] = {}
        with (
            source.open(newline="", encoding="utf-8-sig") as fh,
            results_path.open("w", newline="", encoding="utf-8") as out,
        ):
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"missing columns: {', '.join(missing)}")
            writer = csv.DictWriter(out, fieldnames=RESULT_COLUMNS)
            writer.writeheader()
            for number, row in enumerate(reader, start=2):  # line 1 is the header
                result, document, message = self._one(row, actor=actor, dry_run=dry_run)
                counts[result] = counts.get(result, 0) + 1
                writer.writerow(
                    {
                        "row": number,
                        "nib": (row.get("nib") or "").strip(),
                        "result": result,
                        "document_number": document,
                        "message": message,
                    }
                )
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        self.stdout.write(f"{'dry run: ' if dry_run else ''}{summary} (results: {results_path})")

    def _one(self, row: dict, *, actor, dry_run: bool) -> tuple[str, str, str]:
        try:
            with transaction.atomic():
                result, merchant = import_row(row, actor=actor)
                document = merchant.document_number
                if dry_run:
                    raise _DryRun
        except _DryRun:
            return f"would_{result}" if result != "exists" else result, "", ""
        except RowRefused as exc:
            return "refused", "", str(exc)
        except ValidationError as exc:
            return "refused", "", _messages(exc)
        except DomainError as exc:
            return "refused", "", str(exc.message)
        return result, document, ""
