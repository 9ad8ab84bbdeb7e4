"""Benchmark of the reports (issue 7): every report on 8,470 employees and 50,000 purchases.

Run with ``scripts/bench.sh`` (all benchmarks) or alone:

    EBAKUL_DB_NAME=ebakul_bench7 scripts/bench.sh            # or
    source scripts/env-mariadb.sh && DJANGO_SETTINGS_MODULE=ebakul.settings.local \
        .venv/bin/python bench/bench_reports.py

The data is created once with bulk inserts (re-runs reuse it; ``--fresh`` rebuilds it):
8,470 employees over every work unit and classes 1–15, 2,000 verified merchants over the 28
kecamatan, 50,000 purchases over three months (the two previous months and this one; 80% verified),
and the previous month computed and locked by the compliance app's own services. For each report
the selector and the whole HTTP page are timed (best of 3) and their queries counted, as an
administrator (all rows) and as an OPD operator (one unit); the largest export is timed too.
"""

import os
import random
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
from django.utils.timezone import now as timezone_now  # noqa: E402

N_EMPLOYEES = 8_470
N_MERCHANTS = 2_000
N_PURCHASES = 50_000
VERIFIED_SHARE = 0.8


def log(msg):
    print(msg, flush=True)


def build(fresh: bool) -> None:
    from django.contrib.auth.models import Group

    from bench.world import make_employees, make_merchants
    from ebakul.accounts import roles
    from ebakul.accounts.models import User
    from ebakul.compliance import services as compliance_services
    from ebakul.core.periods import WIB, current_period, period_bounds, previous_period
    from ebakul.core.reference import run_all
    from ebakul.employees.models import Employee, UnitOperator, WorkUnit
    from ebakul.merchants.models import (
        MerchantVerificationSpan,
        UmkmMerchant,
    )
    from ebakul.purchases.models import Purchase

    call_command("migrate", verbosity=0)
    run_all(log=lambda _m: None)
    present = Employee.objects.count() >= N_EMPLOYEES and Purchase.objects.count() >= N_PURCHASES
    if present and not fresh:
        log("data present: reusing it (pass --fresh to rebuild)")
        return
    log("building data ...")
    t0 = time.perf_counter()
    from ebakul.compliance.models import MonthlyCompliance, Period, TppDeduction

    TppDeduction.objects.all().delete()
    MonthlyCompliance.objects.all().delete()
    Period.objects.all().delete()
    Purchase.objects.all().delete()
    MerchantVerificationSpan.objects.all().delete()
    UmkmMerchant.objects.all().delete()
    UnitOperator.objects.all().delete()
    Employee.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()

    rnd = random.Random(7)
    employee_ids = make_employees(rnd, N_EMPLOYEES)
    merchants = make_merchants(rnd, N_MERCHANTS, prefix="EBK-UMKM-B-")
    now_p = current_period()
    periods = [previous_period(previous_period(now_p)), previous_period(now_p), now_p]
    now = dt.datetime.now(tz=WIB)
    statuses = ["submitted", "merchant_confirmed", "merchant_disputed", "rejected"]
    # Popular merchants sell more: a skewed pick makes the concentration figures meaningful.
    weights = [1.0 / (k + 1) ** 0.7 for k in range(len(merchants))]
    picks = rnd.choices(merchants, weights=weights, k=N_PURCHASES)
    batch = []
    for i in range(N_PURCHASES):
        period = periods[i % 3]
        start, end = period_bounds(period)
        end = min(end, now)
        at = start + (end - start) * rnd.random()
        merchant_id, category_id = picks[i]
        batch.append(
            Purchase(
                document_number=f"EBK-PUR-B-{i:07d}",
                employee_id=rnd.choice(employee_ids),
                merchant_id=merchant_id,
                category_id=category_id,
                purchased_at=at,
                period=period,
                amount=rnd.randrange(10, 400) * 1000,
                receipt=f"receipts/bench/{i}.jpg",
                receipt_sha256=f"{i:064x}",
                status="verified" if rnd.random() < VERIFIED_SHARE else rnd.choice(statuses),
            )
        )
        if len(batch) == 5000:
            Purchase.objects.bulk_create(batch)
            batch = []
    Purchase.objects.bulk_create(batch)
    # Bulk rows carry no history: the month close then takes employees as they are if they
    # existed before the month ended, and purchases as submitted when created.
    from django.db.models import F

    Employee.objects.update(created_at=dt.datetime.now(tz=WIB) - dt.timedelta(days=400))
    Purchase.objects.update(created_at=F("purchased_at") + dt.timedelta(hours=1))
    log(f"  employees, merchants, purchases: {time.perf_counter() - t0:.1f}s")

    admin = User.objects.create_superuser("bench-admin", "bench@example.invalid", "x")
    operator = User.objects.create_user("bench-operator", is_staff=True)
    operator.groups.add(Group.objects.get(name=roles.UNIT_OPERATOR))
    UnitOperator.objects.create(user=operator, work_unit=WorkUnit.objects.get(code="DINKES"))
    t1 = time.perf_counter()
    # The close refuses a month before its verification close (ADR 0100): early in the month
    # the previous one is closed as it will be on the 8th.
    import time_machine

    from ebakul.compliance.selectors import period_get_or_create

    close = period_get_or_create(periods[1]).verification_close + dt.timedelta(minutes=1)
    with time_machine.travel(max(close, timezone_now()), tick=True):
        compliance_services.compute_period(period=periods[1], actor=admin)
        compliance_services.lock_period(period=periods[1], actor=admin)
    compliance_services.compute_period(period=periods[0], actor=admin)
    log(
        f"  compliance computed for {periods[0]} and {periods[1]} (locked): "
        f"{time.perf_counter() - t1:.1f}s"
    )


def measure(fn, repeat=3):
    best, queries = None, None
    for _ in range(repeat):
        # DEBUG keeps a bounded log of queries; a full log would hide new ones from the count.
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
        queries = len(ctx)
    return best, queries, result


def main():
    from ebakul.accounts.models import User
    from ebakul.core.periods import current_period, previous_period
    from ebakul.purchases.models import Purchase
    from ebakul.reports.dashboard import dashboard_context
    from ebakul.reports.definitions import REPORTS

    build("--fresh" in sys.argv)
    from ebakul.employees.models import Employee

    log(
        f"data: {Employee.objects.count()} employees, {Purchase.objects.count()} purchases, "
        f"database {connection.vendor} {connection.settings_dict['NAME']}"
    )
    now_p = current_period()
    computed = previous_period(now_p)
    start = previous_period(previous_period(now_p))
    params = {
        "consumption-map": {"period": computed},
        "merchants": {"period": computed, "limit": "50"},
        "monthly-trend": {"period_from": start, "period_to": now_p},
        "compliance-by-unit": {"period": computed},
        "compliance-by-class": {"period": computed},
        "employees": {"period": computed},
        "deduction-register": {"period": computed},
    }
    users = {
        "admin": User.objects.get(username="bench-admin"),
        "operator": User.objects.get(username="bench-operator"),
    }
    lines = [
        "| report | reader | rows | selector (s) | queries | page (s) | page queries |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    worst = 0.0
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        for report in REPORTS:
            form = report.form_class.bind(params[report.slug], user=user)
            assert form.is_valid(), form.errors
            sel_t, sel_q, data = measure(lambda r=report, d=form.cleaned_data, u=user: r.run(u, d))
            url = reverse("reports:report", args=[report.slug])
            page_t, page_q, resp = measure(
                lambda u=url, r=report, c=client: c.get(u, params[r.slug])
            )
            assert resp.status_code == 200, resp.status_code
            worst = max(worst, page_t)
            lines.append(
                f"| {report.slug} | {who} | {len(data.rows):,} | {sel_t:.3f} | {sel_q} | "
                f"{page_t:.3f} | {page_q} |"
            )
            log(lines[-1])
        t, q, _ctx = measure(lambda u=user: dashboard_context(u))
        lines.append(f"| dashboard (figures + charts) | {who} | – | {t:.3f} | {q} | | |")
        log(lines[-1])
        resp_t, resp_q, resp = measure(lambda c=client: c.get(reverse("admin:index")))
        assert resp.status_code == 200
        lines.append(
            f"| desk index page with dashboard | {who} | – | | | {resp_t:.3f} | {resp_q} |"
        )
        log(lines[-1])
    admin_client = Client()
    admin_client.force_login(users["admin"])
    for fmt in ("xlsx", "csv"):
        t, q, resp = measure(
            lambda f=fmt: admin_client.get(
                reverse("reports:report", args=["employees"]), {"period": computed, "export": f}
            ),
            repeat=2,
        )
        lines.append(
            f"| employees export {fmt.upper()} (all rows, {len(resp.content) // 1024} KiB) | admin "
            f"| – | | | {t:.3f} | {q} |"
        )
        log(lines[-1])
    emp = Employee.objects.filter(purchases__period=computed).first()
    t, q, resp = measure(
        lambda: admin_client.get(reverse("reports:statement", args=[emp.pk, computed]))
    )
    lines.append(f"| employee statement PDF | admin | – | | | {t:.3f} | {q} |")
    log(lines[-1])
    print()
    print(
        f"Machine: {os.cpu_count()} CPUs; DEBUG={settings.DEBUG}; periods {start}..{now_p}, "
        f"compliance of {computed}"
    )
    print("\n".join(lines))
    print(f"\nslowest page: {worst:.3f}s")


if __name__ == "__main__":
    main()
