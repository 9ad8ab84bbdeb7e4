"""manage.py import_merchants: every row through the portal's services, idempotent, --dry-run,
a per-row result file; kecamatan by code or name; verified from the start of the date, WIB."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from ebakul.core.identifiers import make_nib, make_nik
from ebakul.core.periods import WIB
from ebakul.merchants.models import Kecamatan, MerchantVerificationSpan, UmkmMerchant
from ebakul.workflow.models import WorkflowEvent
from ebakul.workflow.selectors import MERCHANT, has_flag

from .qris_samples import qris_payload

pytestmark = pytest.mark.django_db

HEADER = [
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
]


def row(n, **overrides):
    data = {
        "nib": make_nib(7000 + n),
        "name": f"Warung Bu Sri {n}",
        "owner_name": f"Sri {n}",
        "owner_nik": make_nik(7000 + n, female=True),
        "owner_kk": "3522010101200003",
        "kecamatan_code": "Bojonegoro",
        "category_code": "makanan-minuman",
        "address": "Jl. Panglima Sudirman 1",
        "phone": "0812-3456-7890",
        "qris_payload": "",
        "verified_from": "",
    }
    data.update(overrides)
    return data


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def results(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_import_registers_verifies_and_reports_every_row(ref, tmp_path):
    source = write(
        tmp_path / "merchants.csv",
        [
            row(1, qris_payload=qris_payload(name="WARUNG BU SRI"), verified_from="2026-03-01"),
            row(2, kecamatan_code="35.22.15"),  # the official code of Kecamatan Bojonegoro
            row(3, kecamatan_code="bojonegoro", owner_nik="123"),  # refused: NIK
            row(4, kecamatan_code="Atlantis"),  # refused: kecamatan
            row(5, name="Indomaret Point"),  # refused: a chain, as in the portal
            row(6, qris_payload=qris_payload()[:-1] + "0"),  # refused: QRIS check digits
        ],
    )
    call_command("import_merchants", str(source))
    lines = results(tmp_path / "merchants.csv.results.csv")
    assert [(r["row"], r["result"]) for r in lines] == [
        ("2", "created"),
        ("3", "created"),
        ("4", "refused"),
        ("5", "refused"),
        ("6", "refused"),
        ("7", "refused"),
    ]
    assert "owner_nik" in lines[2]["message"] and "kecamatan" in lines[3]["message"]
    assert "business_name" in lines[4]["message"]
    first = UmkmMerchant.objects.get(nib=make_nib(7001))
    assert lines[0]["document_number"] == first.document_number
    assert has_flag(MERCHANT, first.status, "counts_as_verified")
    span = MerchantVerificationSpan.objects.get(merchant=first)
    assert span.verified_from == dt.datetime(2026, 3, 1, tzinfo=WIB)
    assert WorkflowEvent.objects.filter(object_id=first.pk, action="import_verified").count() == 1
    assert (first.qris_nmid, first.owner_kk_hash != "") == ("ID1020021181745", True)
    assert first.phone == "081234567890"
    second = UmkmMerchant.objects.get(nib=make_nib(7002))
    assert second.kecamatan == Kecamatan.objects.get(name="Bojonegoro")
    assert not has_flag(MERCHANT, second.status, "counts_as_verified")
    assert not UmkmMerchant.objects.filter(nib__in=[make_nib(7003), make_nib(7006)]).exists()


def test_import_is_idempotent(ref, tmp_path):
    source = write(tmp_path / "m.csv", [row(1, verified_from="2026-03-01"), row(2)])
    call_command("import_merchants", str(source))
    call_command("import_merchants", str(source), results=str(tmp_path / "again.csv"))
    assert [r["result"] for r in results(tmp_path / "again.csv")] == ["exists", "exists"]
    assert UmkmMerchant.objects.filter(nib__in=[make_nib(7001), make_nib(7002)]).count() == 2
    assert MerchantVerificationSpan.objects.filter(merchant__nib=make_nib(7001)).count() == 1


def test_dry_run_checks_every_row_and_writes_nothing(ref, tmp_path):
    source = write(tmp_path / "m.csv", [row(1, verified_from="2026-03-01"), row(3, owner_nik="1")])
    before = UmkmMerchant.objects.count()
    call_command("import_merchants", str(source), dry_run=True)
    assert [r["result"] for r in results(tmp_path / "m.csv.results.csv")] == [
        "would_created",
        "refused",
    ]
    assert UmkmMerchant.objects.count() == before


def test_kecamatan_codes_are_filled_from_the_fixture(ref):
    assert Kecamatan.objects.get(name="Ngraho").code == "35.22.01"
    assert Kecamatan.objects.get(name="Dander").code == "35.22.06"
    assert Kecamatan.objects.get(name="Bojonegoro").code == "35.22.15"
    assert Kecamatan.objects.get(name="Gayam").code == "35.22.28"
    codes = list(Kecamatan.objects.values_list("code", flat=True))
    assert len(codes) == 28 and len(set(codes)) == 28 and all(codes)
