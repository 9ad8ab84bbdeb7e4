"""Benchmark of the monthly close (issue 4) against the bare SQL aggregate over the same rows.

Run alone (database ``ebakul_bench4``; it is created when missing, migrated, and filled with raw
``INSERT … SELECT`` statements over MariaDB's sequence tables, without images):

    EBAKUL_DB_NAME=ebakul_bench4 bash -c 'source scripts/env-mariadb.sh && \
        DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/bench_close.py'

Options: ``--scales 8470x6,100000x12`` (employees × purchases each), ``--repeat 3``.

For each scale: the data is rebuilt (employees with their history rows, 2,000 merchants with
verification spans, 5% of them verified only from the 10th; purchases in one period, 80% verified,
10% pending, 10% rejected), then timed, best of ``--repeat``:

* ``bare``: ``SELECT employee_id, SUM(amount) … WHERE period = … AND status = 'verified' GROUP BY
  employee_id``, all rows fetched to Python;
* ``close (first)``: ``compute_period`` on an empty period (inserts every row);
* ``close (again)``: ``compute_period`` again (the idempotent re-run: upserts, nothing changes);
* ``lock``: ``lock_period`` (drafts become final).
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402

PERIOD = "2026-10"
N_MERCHANTS = 2_000


def log(msg: str) -> None:
    print(msg, flush=True)


def sql(statement: str, params=None) -> int:
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.rowcount


def insert_select(model, exprs: dict[str, str], from_sql: str) -> int:
    """INSERT INTO <model table> (all concrete columns) SELECT <exprs or defaults> <from_sql>."""
    cols, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in exprs:
            continue
        cols.append(f.column)
        if f.column in exprs:
            values.append(exprs[f.column])
        elif f.null:
            values.append("NULL")
        elif f.has_default() and not callable(f.default):
            d = f.default
            values.append(str(int(d)) if isinstance(d, bool | int) else f"'{d}'")
        else:
            raise ValueError(f"{model.__name__}.{f.column} needs a value")
    return sql(
        f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) "
        f"SELECT {', '.join(values)} {from_sql}"
    )


def build(n_employees: int, per_employee: int) -> None:
    from ebakul.compliance.models import (
        ComplianceEvent,
        JobRun,
        MonthlyCompliance,
        Period,
        TppDeduction,
    )
    from ebakul.employees.models import Employee, EmployeeClass, WorkUnit
    from ebakul.merchants.models import (
        Kecamatan,
        MerchantCategory,
        MerchantVerificationSpan,
        UmkmMerchant,
    )
    from ebakul.purchases.models import Purchase

    t = time.perf_counter()
    sql("SET FOREIGN_KEY_CHECKS = 0")
    for model in (
        TppDeduction,
        TppDeduction.history.model,
        MonthlyCompliance,
        Period,
        Period.history.model,
        ComplianceEvent,
        JobRun,
        Purchase,
        Purchase.history.model,
        MerchantVerificationSpan,
        UmkmMerchant,
        UmkmMerchant.history.model,
        Employee,
        Employee.history.model,
    ):
        sql(f"TRUNCATE TABLE {model._meta.db_table}")
    sql("SET FOREIGN_KEY_CHECKS = 1")

    unit = WorkUnit.objects.order_by("id").values_list("id", flat=True).first()
    category = MerchantCategory.objects.order_by("id").values_list("id", flat=True).first()
    kecamatan = Kecamatan.objects.order_by("id").values_list("id", flat=True).first()
    cls_table = EmployeeClass._meta.db_table
    old = "'2024-01-01 00:00:00'"

    insert_select(
        Employee,
        {
            "nip": "LPAD(s.seq, 18, '0')",
            "name": "CONCAT('Pegawai ', s.seq)",
            "employee_type": "'PNS'",
            "employee_class_id": "c.id",
            "work_unit_id": str(unit),
            # one in five has an e-TPP ceiling of its own; the others use the class default
            "tpp_ceiling": "IF(s.seq % 5 = 0, 3000000 + (s.seq % 97) * 50000, NULL)",
            "active_from": "IF(s.seq % 50 = 0, '2026-10-17', NULL)",
            "active": "1",
            "created_at": old,
            "updated_at": old,
        },
        f"FROM seq_1_to_{n_employees} s JOIN {cls_table} c ON c.number = 1 + s.seq % 15",
    )
    hist = Employee.history.model
    exprs = {f.column: f"e.{f.column}" for f in Employee._meta.concrete_fields}
    exprs.update(
        {
            "history_date": old,
            "history_type": "'+'",
            "history_change_reason": "NULL",
            "history_user_id": "NULL",
        }
    )
    insert_select(hist, exprs, f"FROM {Employee._meta.db_table} e")

    insert_select(
        UmkmMerchant,
        {
            "document_number": "CONCAT('B-UMKM-', s.seq)",
            "business_name": "CONCAT('Warung ', s.seq)",
            "owner_name": "CONCAT('Pemilik ', s.seq)",
            "owner_nik": "CONCAT('3522', LPAD(s.seq, 12, '0'))",
            "nib": "CONCAT('8', LPAD(s.seq, 12, '0'))",
            "category_id": str(category),
            "kecamatan_id": str(kecamatan),
            "village": "'Kadipaten'",
            "address": "'Jl. Bench'",
            "status": "'verified'",
            "created_at": old,
            "updated_at": old,
        },
        f"FROM seq_1_to_{N_MERCHANTS} s",
    )
    insert_select(
        MerchantVerificationSpan,
        {
            "merchant_id": "m.id",
            # 5% verified only from the 10th: earlier purchases there do not count
            "verified_from": f"IF(m.id % 20 = 0, '2026-10-10 00:00:00', {old})",
        },
        f"FROM {UmkmMerchant._meta.db_table} m",
    )
    m0 = UmkmMerchant.objects.order_by("id").values_list("id", flat=True).first()
    insert_select(
        Purchase,
        {
            "document_number": "CONCAT('B-', e.id, '-', s.seq)",
            "employee_id": "e.id",
            "merchant_id": f"{m0} + (e.id * 7 + s.seq * 13) % {N_MERCHANTS}",
            # spread over the month (UTC; the period is the WIB month, kept inside it)
            "purchased_at": "TIMESTAMPADD(SECOND, (e.id * 977 + s.seq * 212981) % 2592000,"
            " '2026-09-30 17:00:00')",
            "period": f"'{PERIOD}'",
            "amount": "10000 + ((e.id * 31 + s.seq * 17) % 100) * 1000",
            "category_id": str(category),
            "receipt": "'receipts/bench.jpg'",
            "receipt_sha256": "SHA2(CONCAT(e.id, '-', s.seq), 256)",
            "status": "CASE (e.id + s.seq) % 10 WHEN 0 THEN 'submitted' WHEN 1 THEN 'rejected'"
            " ELSE 'verified' END",
            "created_at": "'2026-10-20 00:00:00'",
            "updated_at": "'2026-10-20 00:00:00'",
        },
        f"FROM {Employee._meta.db_table} e JOIN seq_1_to_{per_employee} s",
    )
    for model in (Employee, hist, Purchase, MerchantVerificationSpan):
        sql(f"ANALYZE TABLE {model._meta.db_table}")
    n = Purchase.objects.count()
    log(f"  data: {n_employees:,} employees, {n:,} purchases in {time.perf_counter() - t:.1f}s")


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def bare_aggregate():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT employee_id, SUM(amount) FROM purchases_purchase"
            " WHERE period = %s AND status = 'verified' GROUP BY employee_id",
            [PERIOD],
        )
        return len(cur.fetchall())


def run_scale(n_employees: int, per_employee: int, repeat: int) -> dict:
    from ebakul.compliance import services
    from ebakul.compliance.models import MonthlyCompliance, Period

    log(f"== {n_employees:,} employees × {per_employee} purchases")
    build(n_employees, per_employee)
    bare_aggregate()  # warm the buffer pool the same way for both
    bare, groups = best(bare_aggregate, repeat)

    def first_close():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM compliance_tppdeduction WHERE period = %s", [PERIOD])
            cur.execute("DELETE FROM compliance_monthlycompliance WHERE period = %s", [PERIOD])
        Period.objects.filter(period=PERIOD).update(status="open")
        return services.compute_period(period=PERIOD)

    first, stats = best(first_close, repeat)
    again, stats2 = best(lambda: services.compute_period(period=PERIOD), repeat)
    assert stats2 == stats, (stats, stats2)
    t = time.perf_counter()
    services.lock_period(period=PERIOD)
    lock = time.perf_counter() - t
    assert MonthlyCompliance.objects.filter(period=PERIOD).count() == stats["employees"]
    result = {
        "employees": n_employees,
        "purchases": n_employees * per_employee,
        "groups": groups,
        "bare": bare,
        "first": first,
        "again": again,
        "lock": lock,
        "stats": stats,
    }
    log(
        f"  bare aggregate {bare:.2f}s ({groups:,} groups) | close first {first:.2f}s"
        f" ({first / bare:.1f}×) | close again {again:.2f}s ({again / bare:.1f}×)"
        f" | lock {lock:.2f}s"
    )
    log(f"  stats {stats}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="8470x6,100000x12")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    assert connection.vendor == "mysql", "the benchmark runs on MariaDB (set DATABASE_URL)"
    settings.DEBUG = False
    reset_queries()
    with connection.cursor() as cur:
        cur.execute("SELECT VERSION(), @@innodb_buffer_pool_size")
        version, pool = cur.fetchone()
    log(
        f"MariaDB {version}, buffer pool {int(pool) // 2**20} MiB; {platform.node()},"
        f" {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    call_command("migrate", verbosity=0)
    call_command("setup_reference", verbosity=0)
    results = []
    for scale in args.scales.split(","):
        n, per = (int(x) for x in scale.split("x"))
        results.append(run_scale(n, per, args.repeat))
    log("\n| employees | purchases | bare aggregate | close (first) | close (re-run) | lock |")
    log("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        log(
            f"| {r['employees']:,} | {r['purchases']:,} | {r['bare']:.2f} s |"
            f" {r['first']:.2f} s ({r['first'] / r['bare']:.1f}×) |"
            f" {r['again']:.2f} s ({r['again'] / r['bare']:.1f}×) | {r['lock']:.2f} s |"
        )


if __name__ == "__main__":
    main()
