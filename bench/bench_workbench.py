"""Benchmark of the review workbench (issue 13): a verifier works through 200 tasks at 8,470
employees — for each task the workbench page, its receipt photo (the private view) and the
decision that opens the next task. Server time through Django's test client (in-process: no
network, no browser), p50 / p95 / max over the 200 tasks, and the queries per request.

Run with ``scripts/bench.sh`` (all benchmarks) or alone:

    EBAKUL_DB_NAME=ebakul_bench13 scripts/bench.sh            # or
    source scripts/env-mariadb.sh && DJANGO_SETTINGS_MODULE=ebakul.settings.local \
        .venv/bin/python bench/bench_workbench.py

The data is created once with bulk inserts (re-runs reuse it; ``--fresh`` rebuilds it): 8,470
employees over every work unit, 1,000 verified merchants, 20,000 earlier purchases (so "other
purchases at this merchant" has rows to find) and 200 purchases confirmed by their merchants,
each with a real receipt photo, assigned to one verifier. Every run puts the 200 back into the
verifier's queue first. Goal: workbench page p95 < 150 ms.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

N_EMPLOYEES = 8_470
N_MERCHANTS = 1_000
N_HISTORY = 20_000
N_TASKS = 200
TASK_PREFIX = "EBK-PUR-W-"


def log(msg):
    print(msg, flush=True)


def build(fresh: bool) -> None:
    from django.contrib.auth.models import Group

    from bench.world import make_employees, make_merchants
    from ebakul.accounts import roles
    from ebakul.accounts.models import User
    from ebakul.core.periods import WIB, current_period, period_bounds, previous_period
    from ebakul.core.reference import run_all
    from ebakul.employees.models import Employee
    from ebakul.merchants.models import (
        MerchantVerificationSpan,
        UmkmMerchant,
    )
    from ebakul.purchases.models import Purchase
    from ebakul.workflow.models import Assignment
    from tests.testing.images import receipt_upload

    call_command("migrate", verbosity=0)
    run_all(log=lambda _m: None)
    present = (
        Employee.objects.count() >= N_EMPLOYEES
        and Purchase.objects.filter(document_number__startswith=TASK_PREFIX).count() == N_TASKS
    )
    if present and not fresh:
        log("data present: reusing it (pass --fresh to rebuild)")
        return
    log("building data ...")
    t0 = time.perf_counter()
    Assignment.objects.all().delete()
    Purchase.objects.all().delete()
    MerchantVerificationSpan.objects.all().delete()
    UmkmMerchant.objects.all().delete()
    Employee.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()

    rnd = random.Random(13)
    employee_ids = make_employees(rnd, N_EMPLOYEES)
    merchants = make_merchants(rnd, N_MERCHANTS, prefix="EBK-UMKM-W-")
    now = dt.datetime.now(tz=WIB)
    period = current_period()
    start, _end = period_bounds(previous_period(period))
    batch = []
    for i in range(N_HISTORY):
        merchant_id, category_id = rnd.choice(merchants)
        at = start + (now - start) * rnd.random()
        batch.append(
            Purchase(
                document_number=f"EBK-PUR-H-{i:07d}",
                employee_id=rnd.choice(employee_ids),
                merchant_id=merchant_id,
                category_id=category_id,
                purchased_at=at,
                period=f"{at.year:04d}-{at.month:02d}",
                amount=rnd.randrange(10, 400) * 1000,
                receipt=f"receipts/bench/{i}.jpg",
                receipt_sha256=f"{i:064x}",
                status="verified",
            )
        )
    Purchase.objects.bulk_create(batch, batch_size=5000)
    month_start, _e = period_bounds(period)
    for i in range(N_TASKS):
        merchant_id, category_id = rnd.choice(merchants)
        at = month_start + (now - month_start) * rnd.random()
        p = Purchase(
            document_number=f"{TASK_PREFIX}{i:05d}",
            employee_id=rnd.choice(employee_ids),
            merchant_id=merchant_id,
            category_id=category_id,
            purchased_at=at,
            period=period,
            amount=rnd.randrange(10, 400) * 1000,
            status="merchant_confirmed",
            receipt=receipt_upload(seed=i),
        )
        p.save()
    log(f"  employees, merchants, purchases, {N_TASKS} receipts: {time.perf_counter() - t0:.1f}s")
    verifier = User.objects.create_user("bench-verifier", is_staff=True)
    verifier.groups.add(Group.objects.get(name=roles.VERIFIER))


def reset_queue():
    """The 200 tasks back to "confirmed by the merchant", in the verifier's queue."""
    from django.contrib.auth.models import Group

    from ebakul.accounts import roles
    from ebakul.accounts.models import User
    from ebakul.purchases.models import Purchase
    from ebakul.workflow.models import Assignment

    verifier = User.objects.get(username="bench-verifier")
    tasks = Purchase.objects.filter(document_number__startswith=TASK_PREFIX)
    tasks.update(status="merchant_confirmed", decision_reason="")
    Assignment.objects.filter(assignee=verifier).update(active=False)
    group = Group.objects.get(name=roles.VERIFIER)
    Assignment.objects.bulk_create(
        [
            Assignment(
                document_type="purchases.purchase",
                object_id=pk,
                assignee=verifier,
                group=group,
            )
            for pk in tasks.order_by("id").values_list("id", flat=True)
        ]
    )
    return verifier


CPU = {}


def timed(fn, name=None):
    """Wall time (what the user waits for, including waiting for a CPU on a loaded machine) and
    the queries; the Python process's own CPU time is kept in ``CPU[name]``."""
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        c = time.process_time()
        result = fn()
        elapsed = time.perf_counter() - t
        if name:
            CPU.setdefault(name, []).append(time.process_time() - c)
    return elapsed, len(ctx), result


def summary(name, times, queries):
    times = sorted(times)
    p95 = times[max(int(round(0.95 * len(times))) - 1, 0)]
    return (
        f"| {name} | {len(times)} | {statistics.median(times) * 1000:.0f} | {p95 * 1000:.0f} | "
        f"{times[-1] * 1000:.0f} | {min(queries)}–{max(queries)} |"
    ), p95


def main():
    from ebakul.employees.models import Employee
    from ebakul.purchases.models import Purchase

    build("--fresh" in sys.argv)
    verifier = reset_queue()
    log(
        f"data: {Employee.objects.count()} employees, {Purchase.objects.count()} purchases, "
        f"database {connection.vendor} {connection.settings_dict['NAME']}"
    )
    client = Client()
    client.force_login(verifier)
    # One warm-up request (templates, translations, the session).
    first = client.get(reverse("workbench:start"))
    assert first.status_code == 302, first.status_code
    url = first["Location"]
    page_t, page_q, receipt_t, receipt_q, act_t, act_q = [], [], [], [], [], []
    for _i in range(N_TASKS):
        t, q, resp = timed(lambda u=url: client.get(u), "page")
        assert resp.status_code == 200, (url, resp.status_code)
        page_t.append(t)
        page_q.append(q)
        pk = int(url.rstrip("/").split("/")[-1])
        t, q, resp = timed(lambda p=pk: client.get(reverse("portal:receipt", args=[p])))
        assert resp.status_code == 200, resp.status_code
        b"".join(resp.streaming_content) if resp.streaming else resp.content
        receipt_t.append(t)
        receipt_q.append(q)
        act = reverse("workbench:act", args=["pembelian", pk])
        t, q, resp = timed(lambda a=act: client.post(a, {"action": "verify"}), "act")
        assert resp.status_code == 302, resp.status_code
        act_t.append(t)
        act_q.append(q)
        url = resp["Location"]
    assert url == reverse("workbench:start"), url
    assert not Purchase.objects.filter(
        document_number__startswith=TASK_PREFIX, status="merchant_confirmed"
    ).exists()
    lines = [
        "| request | n | p50 (ms) | p95 (ms) | max (ms) | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    line, page_p95 = summary("workbench page (task + queue bar + other purchases)", page_t, page_q)
    lines.append(line)
    lines.append(summary("receipt photo (private view)", receipt_t, receipt_q)[0])
    lines.append(summary("verify → redirect to the next task", act_t, act_q)[0])
    both = [a + b for a, b in zip(page_t, act_t, strict=True)]
    lines.append(summary("decision + next page (sum)", both, [0])[0])
    print()
    print(
        f"Machine: {os.cpu_count()} CPUs; DEBUG={settings.DEBUG}; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    cpu = sorted(CPU["page"])
    lines.append(
        f"| workbench page, Python CPU time only | {len(cpu)} | "
        f"{statistics.median(cpu) * 1000:.0f} | "
        f"{cpu[max(int(round(0.95 * len(cpu))) - 1, 0)] * 1000:.0f} | {cpu[-1] * 1000:.0f} | |"
    )
    cpu = sorted(CPU["act"])
    lines.append(
        f"| verify → next, Python CPU time only | {len(cpu)} | "
        f"{statistics.median(cpu) * 1000:.0f} | "
        f"{cpu[max(int(round(0.95 * len(cpu))) - 1, 0)] * 1000:.0f} | {cpu[-1] * 1000:.0f} | |"
    )
    print("\n".join(lines))
    print(f"\nworkbench page p95: {page_p95 * 1000:.0f} ms (goal < 150 ms)")


if __name__ == "__main__":
    main()
