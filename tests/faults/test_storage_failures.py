"""The receipt storage full or unwritable at upload: the employee gets a clear Indonesian
message, no purchase row without its file, no (partial) file without its row; and
``manage.py check_storage`` lists what a failure outside the service leaves (ADR 0311)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from ebakul.core.periods import WIB
from ebakul.purchases.models import Purchase
from ebakul.purchases.services import purchase_create
from tests.factories import PurchaseFactory, verified_merchant
from tests.testing.images import receipt_image_bytes, receipt_upload

from .conftest import fill, tiny_disk

MESSAGE_ID = "Berkas tidak dapat disimpan: penyimpanan server sedang tidak tersedia."


def _form(merchant, seed):
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    return {
        "merchant": merchant.pk,
        "purchased_at": when.strftime("%Y-%m-%dT%H:%M"),
        "amount": "75.000",
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": receipt_upload(seed=seed, size=(900, 1400)),
    }


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def shop(merchant_user):
    return verified_merchant(user=merchant_user, business_name="Warung Bu Sri")


@pytest.fixture
def employee_client(client, employee_user):
    client.force_login(employee_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["full", "nearly_full", "read_only"])
def test_upload_to_a_broken_storage_is_refused_clearly_and_leaves_nothing(
    employee_client, shop, settings, tmp_path, fault
):
    media = tmp_path / "media"
    with tiny_disk(media, read_only=fault == "read_only") as root:
        if fault == "full":
            fill(root)
        elif fault == "nearly_full":
            fill(root, leave=8192)  # the write starts, then the disk fills up in the middle
        before = _files(root)
        settings.MEDIA_ROOT = str(root)
        response = employee_client.post(reverse("portal:purchase_new"), _form(shop, seed=7))
        assert response.status_code == 200
        assert MESSAGE_ID in response.content.decode()
        assert "storage" not in response.content.decode().lower()  # no English on the page
        assert not Purchase.objects.exists()
        assert _files(root) == before  # no partial receipt, no kept photo


@pytest.mark.django_db
def test_the_same_upload_goes_through_once_the_storage_is_back(
    employee_client, shop, settings, tmp_path
):
    media = tmp_path / "media"
    with tiny_disk(media, size="4m") as root:
        settings.MEDIA_ROOT = str(root)
        response = employee_client.post(reverse("portal:purchase_new"), _form(shop, seed=7))
        assert response.status_code == 302
        purchase = Purchase.objects.get()
        assert _files(root) == [purchase.receipt.name]


@pytest.mark.django_db(transaction=True)
def test_a_refused_insert_removes_the_file_it_just_wrote(employee_user, shop, settings, tmp_path):
    """The file is written, then the database refuses the row (a trigger here; a lost
    connection in life): the file goes too."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TRIGGER faults_refuse_purchase BEFORE INSERT ON purchases_purchase"
            " FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the fault test'"
        )
    try:
        with pytest.raises(DatabaseError, match="refused by the fault test"):
            purchase_create(
                employee=employee_user.employee,
                merchant=shop,
                purchased_at=timezone.now() - dt.timedelta(hours=1),
                amount=50_000,
                receipt=receipt_upload(seed=3),
                actor=employee_user,
            )
    finally:
        with connection.cursor() as cur:
            cur.execute("DROP TRIGGER IF EXISTS faults_refuse_purchase")
    assert not Purchase.objects.exists()
    assert _files(tmp_path / "media") == []


@pytest.mark.django_db
def test_check_storage_lists_orphans_both_ways(employee_user, shop, settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    kept = PurchaseFactory(employee=employee_user.employee, merchant=shop)
    lost = PurchaseFactory(employee=employee_user.employee, merchant=shop)
    assert kept.receipt.name and lost.receipt.name
    lost_path = root / lost.receipt.name
    if not lost_path.exists():  # the factory may name a file it did not write
        lost_path.parent.mkdir(parents=True, exist_ok=True)
        lost_path.write_bytes(b"x")
    (root / kept.receipt.name).parent.mkdir(parents=True, exist_ok=True)
    (root / kept.receipt.name).write_bytes(receipt_image_bytes(seed=1))
    lost_path.unlink()
    (root / "receipts" / "stray").mkdir(parents=True)
    (root / "receipts" / "stray" / "orphan.jpg").write_bytes(b"orphan")

    out = io.StringIO()
    with pytest.raises(CommandError, match="2 storage problems"):
        call_command("check_storage", stdout=out)
    text = out.getvalue()
    assert "file without row: receipts/stray/orphan.jpg" in text
    assert f"row without file: purchases.Purchase.receipt id={lost.pk} {lost.receipt.name}" in text
    assert kept.receipt.name not in text

    # Repaired: nothing to report.
    (root / "receipts" / "stray" / "orphan.jpg").unlink()
    lost.delete()
    out = io.StringIO()
    call_command("check_storage", stdout=out)
    assert "0 files without a row, 0 rows without their file" in out.getvalue()
