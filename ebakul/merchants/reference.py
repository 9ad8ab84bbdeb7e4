from ebakul.core.reference import read_fixture

from .models import ChainDenyEntry, Kecamatan, MerchantCategory


def load(log=print) -> None:
    created = 0
    for row in read_fixture("kecamatan.json"):
        kecamatan, was_created = Kecamatan.objects.get_or_create(
            name=row["name"], defaults={"code": row["code"]}
        )
        created += was_created
        # A code confirmed later fills an empty one; a code an administrator set is kept
        # (docs/adr/0213).
        if not was_created and row["code"] and not kecamatan.code:
            Kecamatan.objects.filter(pk=kecamatan.pk, code="").update(code=row["code"])
    for row in read_fixture("categories.json"):
        created += MerchantCategory.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )[1]
    for row in read_fixture("excluded_chains.json"):
        created += ChainDenyEntry.objects.get_or_create(name=row["name"])[1]
    log(f"merchants reference: {created} created")
