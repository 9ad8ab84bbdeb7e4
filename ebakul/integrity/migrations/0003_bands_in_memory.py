"""The near-duplicate lookup keeps the hash bands in memory (ebakul/integrity/hashindex.py,
docs/adr/0220): the eight indexed band columns go. Reversible: going back re-creates them and
fills them from the stored hashes (nothing to back-fill going forward: the bands are computed
from ``phash`` and ``dhash``, which stay)."""

from django.db import migrations, models

BANDS = ("p0", "p1", "p2", "p3", "d0", "d1", "d2", "d3")


def fill_bands(apps, schema_editor):
    Fingerprint = apps.get_model("integrity", "ReceiptFingerprint")
    rows = Fingerprint.objects.only("id", "phash", "dhash").iterator(chunk_size=2000)
    batch = []
    for fp in rows:
        for name, value in (("p", fp.phash), ("d", fp.dhash)):
            value = value + (1 << 64) if value < 0 else value
            for i in range(4):
                setattr(fp, f"{name}{i}", (value >> (16 * i)) & 0xFFFF)
        batch.append(fp)
        if len(batch) == 2000:
            Fingerprint.objects.bulk_update(batch, BANDS)
            batch = []
    if batch:
        Fingerprint.objects.bulk_update(batch, BANDS)


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0002_hash64_on_sqlite"),
    ]

    operations = [
        *(
            migrations.AlterField(
                model_name="receiptfingerprint",
                name=band,
                field=models.PositiveIntegerField(db_index=True, default=0),
            )
            for band in BANDS
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_bands),
        *(migrations.RemoveField(model_name="receiptfingerprint", name=band) for band in BANDS),
    ]
