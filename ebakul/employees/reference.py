from ebakul.core.reference import read_fixture
from ebakul.merchants.models import Kecamatan

from .models import EmployeeClass, WorkUnit


def load(log=print) -> None:
    created = 0
    for row in read_fixture("job_classes.json"):
        created += EmployeeClass.objects.get_or_create(
            number=row["number"],
            defaults={"name": row["name"], "default_tpp_ceiling": row["default_tpp_ceiling"]},
        )[1]
    kecamatan = {k.name: k for k in Kecamatan.objects.all()}
    for row in read_fixture("work_units.json"):
        created += WorkUnit.objects.get_or_create(
            code=row["code"],
            defaults={"name": row["name"], "kecamatan": kecamatan.get(row["kecamatan"])},
        )[1]
    log(f"employees reference: {created} created")
