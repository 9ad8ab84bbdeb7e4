"""Benchmark of the open data (issue 17): one month's published table (the aggregation and the
suppression), its CSV and JSON downloads, its page and the public "Potensi usaha baru" summary,
and the desk report, on 8,470 employees and 50,000 purchases.

    EBAKUL_DB_NAME=ebakul_bench_opendata bash -c 'source scripts/env-mariadb.sh && \
        DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/bench_opendata.py'

The database is created when missing. The data is built by ``bench/bench_reports.py``'s builder
(8,470 employees, 2,000 verified merchants over the 28 kecamatan, 50,000 purchases over three
months, 80% verified, the previous month computed and locked) and reused on re-runs
(``--fresh`` rebuilds it). Each measurement is the best of 5 in-process runs (Django's test
client for HTTP: server time, no network), with its number of SQL statements.
"""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")


def create_database() -> None:
    import MySQLdb

    name = os.environ.get("EBAKUL_DB_NAME", "ebakul_bench_opendata")
    conn = MySQLdb.connect(
        host="127.0.0.1",
        user=os.environ.get("EBAKUL_DB_USER", "ebakul"),
        password=os.environ.get("EBAKUL_DB_PASSWORD", "ebakul"),
    )
    conn.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    conn.close()


def reports_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_reports", ROOT / "bench" / "bench_reports.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    create_database()
    rb = reports_bench()  # sets Django up
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from ebakul.accounts.models import User
    from ebakul.core.periods import current_period, previous_period
    from ebakul.purchases.models import Purchase
    from ebakul.reports.selectors.demand import demand_insights, public_demand
    from ebakul.reports.selectors.opendata import open_month

    rb.build("--fresh" in sys.argv)
    period = previous_period(current_period())
    n = Purchase.objects.filter(period=period).count()
    rb.log(
        f"data: {Purchase.objects.count()} purchases ({n} in {period}), "
        f"database {connection.vendor} {connection.settings_dict['NAME']}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    admin = User.objects.get(username="bench-admin")
    anon = Client()
    desk = Client()
    desk.force_login(admin)
    data = open_month(period)
    hidden = sum(1 for r in data.rows if r["suppressed"])
    rb.log(f"table: {len(data.rows)} records, {hidden} hidden, status {data.status}")

    def get(client, url, **extra):
        return lambda: client.get(url, **extra)

    cases = [
        ("open_month (aggregation + suppression)", lambda: open_month(period)),
        ("GET /data/<month>.csv", get(anon, reverse("opendata:month_csv", args=[period]))),
        ("GET /data/<month>.json", get(anon, reverse("opendata:month_json", args=[period]))),
        ("GET /data/<month>/ (page)", get(anon, reverse("opendata:month", args=[period]))),
        ("public_demand (summary selector)", lambda: public_demand(period)),
        ("GET /data/<month>/potensi-usaha/", get(anon, reverse("opendata:demand", args=[period]))),
        ("demand_insights (desk selector)", lambda: demand_insights(user=admin, period=period)),
        ("GET /reports/potensi-usaha/", get(desk, reverse("reports:demand") + f"?period={period}")),
    ]
    lines = ["| what | best of 5 (ms) | median (ms) | queries |", "|---|---:|---:|---:|"]
    for label, fn in cases:
        times = []
        for _ in range(5):
            best, queries, result = rb.measure(fn, repeat=1)
            times.append(best)
        status = getattr(result, "status_code", None)
        assert status in (None, 200), (label, status)
        times.sort()
        lines.append(f"| {label} | {times[0] * 1000:.0f} | {times[2] * 1000:.0f} | {queries} |")
        rb.log(lines[-1])
    lines.append(suppression_stress())
    rb.log("\n".join(lines))


def suppression_stress() -> str:
    """The suppression alone on a harder table than the data gives: 28 kecamatan x 12
    categories, 30% of the cells below the threshold (seeded), best of 5."""
    import random
    import time

    from ebakul.reports.suppression import TOTAL, Entry, suppress

    rng = random.Random(17)
    cells = {}
    for k in range(28):
        for c in range(12):
            small = rng.random() < 0.3
            cells[(k, c)] = (rng.randint(10_000, 9_000_000), rng.randint(1, 4) if small else 9)

    def table():
        entries = {}
        for (k, c), (spend, n) in cells.items():
            entries[(k, c)] = Entry(k, c, spend, n, n, n)
        for k in range(28):
            entries[(k, TOTAL)] = Entry(k, TOTAL, 1, 99, 99, 99)
        for c in range(12):
            entries[(TOTAL, c)] = Entry(TOTAL, c, 1, 99, 99, 99)
        entries[(TOTAL, TOTAL)] = Entry(TOTAL, TOTAL, 1, 999, 999, 999)
        return entries

    times = []
    for _ in range(5):
        entries = table()
        t = time.perf_counter()
        suppress(entries)
        times.append(time.perf_counter() - t)
    hidden = sum(1 for e in entries.values() if e.suppressed)
    primary = sum(1 for e in entries.values() if e.suppressed == "primary")
    return (
        f"| suppress() alone, 28 x 12 table, {primary} small cells -> {hidden} hidden "
        f"| {min(times) * 1000:.0f} | {sorted(times)[2] * 1000:.0f} | 0 |"
    )


if __name__ == "__main__":
    main()
