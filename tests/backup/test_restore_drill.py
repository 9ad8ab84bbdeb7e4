"""The restore drill (issue 16, ADR 0302): back up the real MariaDB database and the receipt
files, restore them into a scratch database and folder, and prove the restored system holds the
same rows (every table's CHECKSUM TABLE) and the same files (bytes)."""

import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ebakul.core.backup import backup
from ebakul.purchases.models import Purchase
from tests.factories import PurchaseFactory

RESTORE_DB = os.environ.get("EBAKUL_DB_NAME", "ebakul") + "_restore"

pytestmark = pytest.mark.django_db(transaction=True)


def _drop_restore_db():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{RESTORE_DB}`")


@pytest.fixture
def scratch():
    _drop_restore_db()
    yield RESTORE_DB
    _drop_restore_db()


def _checksums(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema],
        )
        tables = [r[0] for r in cursor.fetchall()]
        cursor.execute("CHECKSUM TABLE " + ", ".join(f"`{schema}`.`{t}`" for t in tables))
        return {name.split(".", 1)[1]: value for name, value in cursor.fetchall()}


@pytest.fixture
def world(ref, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return [PurchaseFactory() for _ in range(3)]


def test_backup_then_restore_gives_the_same_rows_and_files(world, scratch, tmp_path):
    live = connection.settings_dict["NAME"]
    folder = backup(target_dir=tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["purchases_purchase"] == Purchase.objects.count() == 3
    assert set(manifest["files"]) == {p.receipt.name for p in world}
    assert not list((tmp_path / "backups").glob("*.partial"))

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore", str(folder), database=scratch, media_root=str(restored_media), verbosity=0
    )
    # Same rows: every table's content checksum, restored against live.
    assert _checksums(scratch) == _checksums(live)
    assert len(_checksums(scratch)) == len(manifest["tables"]) > 40
    # Same files, byte for byte.
    for p in world:
        with p.receipt.open("rb") as fh:
            assert (restored_media / p.receipt.name).read_bytes() == fh.read()


def test_a_damaged_backup_is_refused_before_anything_is_restored(world, scratch, tmp_path):
    folder = backup(target_dir=tmp_path / "backups")
    call_command("restore", str(folder), verify_only=True, verbosity=0)
    receipt = next((folder / "files").rglob("*.*"))
    receipt.write_bytes(receipt.read_bytes() + b"x")
    with pytest.raises(CommandError, match="checksum"):
        call_command(
            "restore", str(folder), database=scratch, media_root=str(tmp_path / "m"), verbosity=0
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW DATABASES LIKE %s", [scratch])
        assert cursor.fetchone() is None  # nothing was created
    assert not (tmp_path / "m").exists()


def test_restore_never_overwrites_the_running_or_a_used_database(world, scratch, tmp_path):
    folder = backup(target_dir=tmp_path / "backups")
    with pytest.raises(CommandError, match="never overwritten"):
        call_command(
            "restore",
            str(folder),
            database=connection.settings_dict["NAME"],
            media_root=str(tmp_path / "m"),
        )
    call_command("restore", str(folder), database=scratch, media_root=str(tmp_path / "m1"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder), database=scratch, media_root=str(tmp_path / "m2"))
