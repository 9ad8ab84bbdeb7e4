"""Benchmark: the e-TPP export of a locked period with 8,470 rows, page by page over HTTP on
loopback, served by gunicorn (2 workers) on MariaDB + Redis. Goal: the whole export < 2 s.

    .venv/bin/python bench/bench_api_export.py            # or: make bench

Uses its own database (ebakul_bench5 unless EBAKUL_BENCH5_DATABASE_URL says otherwise), builds
the data with bulk inserts plus the real compute/lock services, starts gunicorn on a free port on
127.0.0.1, and stops it at the end.
"""

import datetime
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get(
    "EBAKUL_BENCH5_DATABASE_URL", "mysql://ebakul:ebakul@127.0.0.1:3306/ebakul_bench5"
)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
os.environ["DJANGO_SETTINGS_MODULE"] = "ebakul.settings.local"
os.environ["DJANGO_DEBUG"] = "0"
os.environ["EBAKUL_LOG_LEVEL"] = "WARNING"

N_EMPLOYEES = 8470
PERIOD = "2025-06"
RUNS = 5


def create_database():
    import MySQLdb

    name = DB_URL.rsplit("/", 1)[1]
    conn = MySQLdb.connect(host="127.0.0.1", user="ebakul", password="ebakul", port=3306)
    conn.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    conn.close()


def build_data() -> str:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("setup_reference", verbosity=0)
    from ebakul.api.models import ApiKey, IntegrationClient
    from ebakul.api.services import api_key_create, integration_client_create
    from ebakul.compliance.models import Period, PeriodStatus
    from ebakul.compliance.services import compute_period, lock_period
    from ebakul.core.identifiers import make_nip
    from ebakul.employees.models import Employee, EmployeeClass, WorkUnit

    if Employee.objects.count() != N_EMPLOYEES:
        t = time.perf_counter()
        classes = list(EmployeeClass.objects.all())
        units = list(WorkUnit.objects.all())
        Employee.objects.bulk_create(
            [
                Employee(
                    nip=make_nip(10_000 + i),
                    name=f"Pegawai Bench {i}",
                    employee_type="PNS",
                    employee_class=classes[i % len(classes)],
                    work_unit=units[i % len(units)],
                    tpp_ceiling=None if i % 3 else 2_000_000 + i * 100,
                )
                for i in range(N_EMPLOYEES)
            ],
            batch_size=2000,
        )
        # Bulk rows have no history: the engine takes them as they are if they existed before
        # the end of the period.
        Employee.objects.update(created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
        print(f"  {N_EMPLOYEES} employees bulk-inserted in {time.perf_counter() - t:.2f} s")
    p = Period.objects.filter(period=PERIOD).first()
    if p is None or p.status != PeriodStatus.LOCKED:
        t = time.perf_counter()
        compute_period(period=PERIOD, actor=None)
        lock_period(period=PERIOD, actor=None)
        print(f"  period {PERIOD} computed and locked in {time.perf_counter() - t:.2f} s")
    ApiKey.objects.all().delete()
    client = IntegrationClient.objects.filter(name="bench").first() or integration_client_create(
        name="bench"
    )
    client.rate_limit = "100000/min"
    client.save()
    return api_key_create(client=client, scopes=["etpp:read"]).raw


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, key: str, timeout: float = 30) -> None:
    import requests

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            requests.get(url, headers={"Authorization": f"Api-Key {key}"}, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def export(base: str, key: str, page_size: int) -> tuple[float, int, int, list[float]]:
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Api-Key {key}"
    url = f"{base}/api/v1/periods/{PERIOD}/deductions/?page_size={page_size}"
    rows = pages = 0
    page_times = []
    start = time.perf_counter()
    while url:
        t = time.perf_counter()
        response = session.get(url, timeout=30)
        response.raise_for_status()
        data = response.json()
        page_times.append(time.perf_counter() - t)
        rows += len(data["results"])
        pages += 1
        url = data["next"]
    return time.perf_counter() - start, rows, pages, page_times


def main() -> None:
    print("==> bench_api_export: e-TPP deduction export over HTTP (gunicorn, loopback)")
    create_database()
    key = build_data()
    port = free_port()
    env = {**os.environ}
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "ebakul.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/v1/periods/", key)
        export(base, key, 1000)  # warm-up: connections, caches, imports in both workers
        for page_size in (500, 1000):
            totals = []
            for _ in range(RUNS):
                total, rows, pages, page_times = export(base, key, page_size)
                assert rows == N_EMPLOYEES, rows
                totals.append(total)
            print(
                f"  page_size={page_size:4d}: {rows} rows in {pages} pages; whole export "
                f"median {statistics.median(totals):.3f} s, best {min(totals):.3f} s, "
                f"worst {max(totals):.3f} s over {RUNS} runs; "
                f"mean page {statistics.mean(page_times) * 1000:.0f} ms "
                f"({'OK' if statistics.median(totals) < 2 else 'OVER'} goal < 2 s)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
