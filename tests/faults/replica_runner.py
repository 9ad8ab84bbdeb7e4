"""Stages of the replica test (test_replica_router.py), run in a process whose DATABASE_URL is
a private primary and DATABASE_REPLICA_URL a private replica (a SELECT-only user). Prints one
JSON object of observations."""

import json
import os
import sys


def lagging(period: str) -> dict:
    """The replica's SQL thread is stopped: a write reaches only the primary."""
    from ebakul.compliance.models import Period
    from ebakul.core.db import replica_reads

    out = {}
    with replica_reads():
        out["read_alias"] = Period.objects.all().db
        out["before_write"] = Period.objects.filter(period=period).exists()
        Period.objects.create(
            period=period,
            submission_close="2020-02-03T16:59:00Z",
            verification_close="2020-02-07T16:59:00Z",
            appeal_close="2020-02-12T16:59:00Z",
        )
        out["read_alias_after_write"] = Period.objects.all().db
        out["read_after_write"] = Period.objects.filter(period=period).exists()
    with replica_reads():
        out["next_request_reads_replica"] = Period.objects.filter(period=period).exists()
    out["primary_has_it"] = Period.objects.filter(period=period).exists()
    return out


def writes(period: str) -> dict:
    """Every kind of write inside a replica block lands on the primary (the replica's user
    may only SELECT, so a write sent there would fail)."""
    from django.db import transaction

    from ebakul.compliance.models import Period
    from ebakul.core.db import replica_reads

    with replica_reads():
        Period.objects.filter(period=period).update(status="computed")
        with transaction.atomic():
            p = Period.objects.select_for_update().get(period=period)
            p.status = "locked"
            p.save()
        obj, created = Period.objects.get_or_create(
            period="2019-12",
            defaults={
                "submission_close": "2020-01-03T16:59:00Z",
                "verification_close": "2020-01-07T16:59:00Z",
                "appeal_close": "2020-01-12T16:59:00Z",
            },
        )
        Period.objects.filter(period="2019-12").delete()
    return {"status": Period.objects.get(period=period).status, "created": created}


def synced(period: str) -> dict:
    from ebakul.compliance.models import Period
    from ebakul.core.db import replica_reads

    with replica_reads():
        return {"replica_status": Period.objects.filter(period=period).first().status}


def request() -> dict:
    """A report page and the e-TPP export read from the replica; the session write of the
    login stays on the primary."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = get_user_model().objects.create_superuser("replica-admin", "a@example.org", "x")
    client = Client()
    client.force_login(user)
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        status = client.get("/reports/employees/").status_code
    writes_on_replica = [
        q["sql"]
        for q in on_replica.captured_queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "REPLACE"}
    ]
    return {
        "status": status,
        "replica_queries": len(on_replica.captured_queries),
        "primary_queries": len(on_primary.captured_queries),
        "writes_on_replica": writes_on_replica,
    }


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.test")
    django.setup()
    stage, *args = sys.argv[1:]
    result = {"lagging": lagging, "writes": writes, "synced": synced, "request": request}[stage](
        *args
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
