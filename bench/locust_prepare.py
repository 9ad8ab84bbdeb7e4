"""Accounts and ids for the Locust scenario (bench/locustfile.py), from a database seeded with
``manage.py seed_demo`` (password of every demo account: ``seeder.DEMO_PASSWORD``).

    EBAKUL_DB_NAME=ebakul_bench bash -c 'source scripts/env-mariadb.sh && \
        DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/locust_prepare.py'

Writes bench/.locust-data.json (not committed: it holds a demo API key)."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")

import django  # noqa: E402

django.setup()

from ebakul.accounts import roles  # noqa: E402
from ebakul.core.periods import current_period  # noqa: E402
from ebakul.demo import seeder  # noqa: E402
from ebakul.employees.models import Employee  # noqa: E402
from ebakul.merchants.models import UmkmMerchant  # noqa: E402


def main() -> None:
    logins = seeder.demo_logins()
    key = next((x.password for x in logins if x.kind == "api_key"), "")
    verifiers = [x.username for x in logins if x.role == roles.VERIFIER]
    employees = list(
        Employee.objects.filter(user__isnull=False, active=True)
        .order_by("pk")
        .values_list("user__username", flat=True)
    )
    merchants = list(
        UmkmMerchant.objects.filter(status="verified", user__isnull=False)
        .order_by("pk")
        .values_list("pk", "user__username")
    )
    data = {
        "password": seeder.DEMO_PASSWORD,
        "employees": employees,
        "merchants": [{"id": pk, "username": u} for pk, u in merchants],
        "verifiers": verifiers,
        "api_key": key,
        "period": current_period(),
    }
    out = Path(__file__).with_name(".locust-data.json")
    out.write_text(json.dumps(data))
    print(
        f"{out}: {len(employees)} employees, {len(merchants)} merchants, "
        f"{len(verifiers)} verifiers, api key {'yes' if key else 'no'}"
    )


if __name__ == "__main__":
    main()
