import csv

import pytest
from django.core.management import call_command

from ebakul.marketplace.models import Listing, ListingModeration
from ebakul.merchants.models import MerchantStatus
from tests.factories import MerchantFactory
from tests.testing.images import receipt_image_bytes

pytestmark = pytest.mark.django_db
HEADER = "merchant_nib,name,description,price,unit,category_code,available,photo_file\n"


def _run(tmp_path, rows: str, *args):
    src = tmp_path / "katalog.csv"
    src.write_text(HEADER + rows, encoding="utf-8")
    call_command("import_catalogue", str(src), *args)
    with (tmp_path / "katalog.result.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_import_is_idempotent_checked_and_reports_every_row(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    photos = tmp_path / "foto"
    photos.mkdir()
    (photos / "kue.jpg").write_bytes(receipt_image_bytes(seed=3))
    draft = MerchantFactory(status=MerchantStatus.DRAFT)
    nib, nib2 = world.shop.nib, world.shop2.nib
    rows = (
        f"{nib},Kue Lapis,kue basah,Rp5.000,potong,makanan-minuman,1,kue.jpg\n"
        f"{nib},Katering,,,,makanan-minuman,ya,\n"
        f"{nib2},Titip Indomaret,,10000,pcs,makanan-minuman,1,\n"
        f"{draft.nib},Rahasia,,1000,pcs,makanan-minuman,1,\n"
        f"0000000000000,Hantu,,1000,pcs,makanan-minuman,1,\n"
        f"{nib},Salah Harga,,lima ribu,pcs,makanan-minuman,1,\n"
        f"{nib},Salah Kategori,,1000,pcs,tidak-ada,1,\n"
        f"{nib},Foto Keluar,,1000,pcs,makanan-minuman,1,../../etc/passwd\n"
    )
    # a dry run checks everything and saves nothing
    dry = _run(tmp_path, rows, "--photos", str(photos), "--dry-run")
    assert [r["outcome"] for r in dry][:3] == ["created", "created", "created"]
    assert not Listing.objects.exists()

    results = _run(tmp_path, rows, "--photos", str(photos))
    outcomes = [(r["name"], r["outcome"]) for r in results]
    assert outcomes == [
        ("Kue Lapis", "created"),
        ("Katering", "created"),
        ("Titip Indomaret", "created"),
        ("Rahasia", "refused"),
        ("Hantu", "refused"),
        ("Salah Harga", "refused"),
        ("Salah Kategori", "refused"),
        ("Foto Keluar", "refused"),
    ]
    assert all(r["message"] for r in results if r["outcome"] == "refused")
    kue = Listing.objects.get(name="Kue Lapis")
    assert (kue.price, kue.unit, kue.merchant) == (5_000, "potong", world.shop)
    assert kue.photo.name.startswith(f"catalogue/{world.shop.pk}/")
    assert Listing.objects.get(name="Katering").price is None
    assert Listing.objects.get(name="Titip Indomaret").moderation == ListingModeration.REVIEW

    again = _run(tmp_path, f"{nib},Kue Lapis,kue basah,6000,potong,makanan-minuman,0,\n")
    assert again[0]["outcome"] == "updated"
    kue.refresh_from_db()
    assert (kue.price, kue.available) == (6_000, False)
    assert Listing.objects.filter(name="Kue Lapis").count() == 1
