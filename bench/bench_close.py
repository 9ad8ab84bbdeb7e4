"""Benchmark of the monthly close (issue 4) against the bare SQL aggregate over the same rows.

Run alone (database ``ebakul_bench4``; it is created when missing, migrated, and filled with raw
``INSERT … SELECT`` statements over MariaDB's sequence tables, without images):

    EBAKUL_DB_NAME=ebakul_bench4 bash -c 'source scripts/env-mariadb.sh && \
        DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/bench_close.py'

Options: ``--scales 8470x6,100000x12`` (employees × purchases each), ``--repeat 3``,
``--fresh`` (rebuild the data even when the database already holds it).

For each scale: the data is reused when the database already holds exactly that scale (same
number of employees, merchants and purchases of the period; the 1.2 M purchases take minutes to
generate), otherwise rebuilt (employees with their history rows, 2,000 merchants with
verification spans, 5% of them verified only from the 10th; purchases in one period, 80% verified,
10% pending, 10% rejected), then timed ``--repeat`` times, interleaved (bare, first, again in
each round, so that every ratio compares figures taken under the same load; the load average is
printed with each round):

* ``bare``: ``SELECT employee_id, SUM(amount) … WHERE period = … AND status = 'verified' GROUP BY
  employee_id``, all rows fetched to Python;
* ``close (first)``: ``compute_period`` on an empty period (the two result tables truncated
  first: the database holds only this period), every row inserted;
* ``close (again)``: ``compute_period`` again (the idempotent re-run: nothing changed, nothing
  written);
* ``re-run, 1% changed``: the submitted purchases of 1% of the employees become verified, then
  ``compute_period`` (restored afterwards);
* ``by step``: one more first close with its internal steps timed;
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


def data_matches(n_employees: int, per_employee: int) -> bool:
    """True when the database already holds the generated data of this scale."""
    from ebakul.employees.models import Employee
    from ebakul.merchants.models import MerchantVerificationSpan
    from ebakul.purchases.models import Purchase

    return (
        Employee.objects.count() == n_employees
        and MerchantVerificationSpan.objects.count() == N_MERCHANTS
        and Purchase.objects.count() == n_employees * per_employee
        and Purchase.objects.filter(period=PERIOD).count() == n_employees * per_employee
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


def bare_aggregate():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT employee_id, SUM(amount) FROM purchases_purchase"
            " WHERE period = %s AND status = 'verified' GROUP BY employee_id",
            [PERIOD],
        )
        return len(cur.fetchall())


class StageTimer:
    """Wraps the close's internal steps (those that exist) to time where a run spends."""

    STEPS = {
        "engine": ["_employees_as_of", "spend", "evaluate"],
        "services": [
            "_stored_results",
            "_upsert_compliance",
            "_upsert_draft_deductions",
            "_write_results",
        ],
    }

    def __init__(self):
        from ebakul.compliance import engine, services

        self.times = {}
        self.modules = {"engine": engine, "services": services}
        self.originals = []
        for mod_name, names in self.STEPS.items():
            mod = self.modules[mod_name]
            for name in names:
                fn = getattr(mod, name, None)
                if fn is not None:
                    self.originals.append((mod, name, fn))
                    setattr(mod, name, self._wrap(name, fn))

    def _wrap(self, name, fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t

        return timed

    def restore(self):
        for mod, name, fn in self.originals:
            setattr(mod, name, fn)


def run_scale(n_employees: int, per_employee: int, repeat: int, fresh: bool) -> dict:
    from ebakul.compliance import services
    from ebakul.compliance.models import MonthlyCompliance, Period, TppDeduction
    from ebakul.purchases.models import Purchase

    log(f"== {n_employees:,} employees × {per_employee} purchases")
    if fresh or not data_matches(n_employees, per_employee):
        build(n_employees, per_employee)
    else:
        log("  data: reusing the rows already in the database")
    bare_aggregate()  # warm the caches the same way for both

    def empty_period():
        # The bench's database holds only this period: start from empty tables (a DELETE of
        # 200,000 rows would leave InnoDB's purge running during the measured close).
        sql("SET FOREIGN_KEY_CHECKS = 0")
        for model in (TppDeduction, MonthlyCompliance):
            sql(f"TRUNCATE TABLE {model._meta.db_table}")
        sql("SET FOREIGN_KEY_CHECKS = 1")
        Period.objects.filter(period=PERIOD).update(status="open")

    def timed(fn):
        t = time.perf_counter()
        out = fn()
        return time.perf_counter() - t, out

    # Interleaved, so that each ratio compares figures taken under the same load.
    runs = []
    stats = None
    for i in range(repeat):
        load = os.getloadavg()[0]
        bare, groups = timed(bare_aggregate)
        empty_period()
        first, stats1 = timed(lambda: services.compute_period(period=PERIOD))
        again, stats2 = timed(lambda: services.compute_period(period=PERIOD))
        assert stats2 == stats1, (stats1, stats2)
        assert stats is None or stats == stats1, (stats, stats1)
        stats = stats1
        runs.append({"bare": bare, "first": first, "again": again, "load": load})
        log(
            f"  run {i + 1}: load {load:.2f} | bare {bare:.2f}s | close first {first:.2f}s"
            f" ({first / bare:.2f}×) | close again {again:.2f}s ({again / bare:.2f}×)"
        )

    # A re-run after 1% of the employees changed: their submitted purchases become verified.
    submitted = Purchase.objects.filter(period=PERIOD, status="submitted")
    with_pending = sorted(set(submitted.values_list("employee_id", flat=True)))
    chosen = with_pending[: n_employees // 100]
    changed_ids = list(submitted.filter(employee_id__in=chosen).values_list("id", flat=True))
    Purchase.objects.filter(id__in=changed_ids).update(status="verified")
    try:
        bare_changed, _ = timed(bare_aggregate)
        partial, _ = timed(lambda: services.compute_period(period=PERIOD))
    finally:
        Purchase.objects.filter(id__in=changed_ids).update(status="submitted")
    services.compute_period(period=PERIOD)  # back to the original results

    # Where a first close spends its time (one more run, timed by step).
    empty_period()
    timer = StageTimer()
    try:
        t_profiled, _ = timed(lambda: services.compute_period(period=PERIOD))
    finally:
        timer.restore()
    breakdown = {k: round(v, 2) for k, v in timer.times.items()}

    t = time.perf_counter()
    services.lock_period(period=PERIOD)
    lock = time.perf_counter() - t
    assert MonthlyCompliance.objects.filter(period=PERIOD).count() == stats["employees"]
    best_bare = min(r["bare"] for r in runs)
    result = {
        "employees": n_employees,
        "purchases": n_employees * per_employee,
        "groups": groups,
        "bare": best_bare,
        "first": min(r["first"] for r in runs),
        "again": min(r["again"] for r in runs),
        "first_ratios": [r["first"] / r["bare"] for r in runs],
        "again_ratios": [r["again"] / r["bare"] for r in runs],
        "partial": partial,
        "partial_ratio": partial / bare_changed,
        "lock": lock,
        "stats": stats,
        "runs": runs,
    }
    log(
        f"  best: bare {best_bare:.2f}s ({groups:,} groups) | close first"
        f" {result['first']:.2f}s ({result['first'] / best_bare:.2f}×) | close again"
        f" {result['again']:.2f}s ({result['again'] / best_bare:.2f}×) | lock {lock:.2f}s"
    )
    log(
        f"  re-run after {len(changed_ids):,} purchases of {len(chosen):,} employees changed:"
        f" {partial:.2f}s ({partial / bare_changed:.2f}× the bare aggregate {bare_changed:.2f}s)"
    )
    log(f"  first close by step ({t_profiled:.2f}s in all): {breakdown}")
    log(f"  stats {stats}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="8470x6,100000x12")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data")
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
        results.append(run_scale(n, per, args.repeat, args.fresh))
    log(
        "\n| employees | purchases | bare aggregate | close (first) | close (re-run) |"
        " first/bare per run | re-run/bare per run | re-run, 1% changed | lock |"
    )
    log("|---:|---:|---:|---:|---:|---|---|---:|---:|")
    for r in results:
        log(
            f"| {r['employees']:,} | {r['purchases']:,} | {r['bare']:.2f} s |"
            f" {r['first']:.2f} s ({r['first'] / r['bare']:.1f}×) |"
            f" {r['again']:.2f} s ({r['again'] / r['bare']:.1f}×) |"
            f" {', '.join(f'{x:.2f}×' for x in r['first_ratios'])} |"
            f" {', '.join(f'{x:.2f}×' for x in r['again_ratios'])} |"
            f" {r['partial']:.2f} s ({r['partial_ratio']:.1f}×) | {r['lock']:.2f} s |"
        )
    log(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
