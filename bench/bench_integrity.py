"""Benchmarks of the integrity checks (issue 15). Results: bench/RESULTS.md, "Integrity".

    EBAKUL_DB_NAME=ebakul_bench_h2 EBAKUL_REDIS_DB=2 bash -c 'source scripts/env-mariadb.sh && \
      DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/bench_integrity.py \
      --parts lookup,detection,scan,upload'

Parts (each builds what it needs in its own database; the database is created and migrated):

* ``lookup``: ``--fingerprints`` (1,000,000) fingerprints (random hashes, one ``INSERT … SELECT``
  over MariaDB's sequence table, secondary indexes rebuilt after; no purchase rows) plus
  ``--queries`` real receipts from tests/integrity/generator.py stored among them; each is then
  looked up with a transformed copy (the 7 kinds in turn). Reported: the first lookup (loads the
  process's band index), p50/p95 of ``selectors.near_duplicates`` (the hashing of the query
  photo timed apart), rows touched, recall.
* ``detection``: ``--purchases`` purchases through the services (purchase_create, the exact-copy
  refusal, fingerprints, every detector, the score and route; the behaviour scan of the period),
  honest ones and each fraud kind; reported: rate caught per kind, honest claims sent above
  *review*.
* ``scan``: 8,470 employees and 50,000 purchases in one period (bulk inserts), the period's
  behaviour scan timed (set-based queries and the findings' write; the re-scoring of the
  purchases it flagged timed apart).
* ``import``: ``--import-rows`` generated receipts imported with OCR (``imports.import_rows``, as
  ``manage.py import_purchases``) once per ``--import-workers`` count; rows/s.
* ``upload``: p95 of ``purchase_create`` with a 1-2 MB photo while the checks go to the queue
  (Celery on Redis, no worker: the upload does not wait for them).
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")
os.environ.setdefault("EBAKUL_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from PIL import Image  # noqa: E402

from tests.integrity.generator import TRANSFORMS, draw_receipt, jpeg, transform  # noqa: E402


def log(msg: str) -> None:
    print(msg, flush=True)


def sql(statement: str, params=None) -> int:
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.rowcount


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def prepare() -> None:
    import MySQLdb

    name = connection.settings_dict["NAME"]
    conn = MySQLdb.connect(host="127.0.0.1", user="ebakul", password="ebakul", port=3306)
    conn.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    conn.close()
    call_command("migrate", verbosity=0)
    call_command("setup_reference", verbosity=0)


def reset(models) -> None:
    sql("SET FOREIGN_KEY_CHECKS = 0")
    for model in models:
        sql(f"TRUNCATE TABLE {model._meta.db_table}")
    sql("SET FOREIGN_KEY_CHECKS = 1")


def world_tables():
    from ebakul.employees.models import Employee
    from ebakul.integrity import models as im
    from ebakul.merchants.models import MerchantVerificationSpan, UmkmMerchant
    from ebakul.purchases.models import Purchase

    return [
        im.RiskReason,
        im.PurchaseRisk,
        im.PurchaseRisk.history.model,
        im.ReceiptFingerprint,
        im.PaymentReference,
        im.BehaviourFinding,
        im.ImportedRow,
        Purchase,
        Purchase.history.model,
        MerchantVerificationSpan,
        UmkmMerchant,
        UmkmMerchant.history.model,
        Employee,
        Employee.history.model,
    ]


def bulk_world(n_employees: int, n_merchants: int, n_purchases: int, period: str) -> None:
    """Employees, verified merchants and purchases of ``period`` with raw INSERT … SELECT."""
    from ebakul.employees.models import Employee, EmployeeClass, WorkUnit
    from ebakul.merchants.models import (
        Kecamatan,
        MerchantCategory,
        MerchantVerificationSpan,
        UmkmMerchant,
    )
    from ebakul.purchases.models import Purchase

    reset(world_tables())
    units = list(WorkUnit.objects.order_by("id").values_list("id", flat=True))
    cls = EmployeeClass.objects.order_by("id").values_list("id", flat=True).first()
    category = MerchantCategory.objects.order_by("id").values_list("id", flat=True).first()
    kec = Kecamatan.objects.order_by("id").values_list("id", flat=True).first()
    old = "'2024-01-01 00:00:00'"
    unit_case = "ELT(1 + s.seq % {n}, {ids})".format(
        n=len(units), ids=", ".join(str(u) for u in units)
    )
    sql(
        f"INSERT INTO {Employee._meta.db_table} (nip, name, employee_type, employee_class_id,"
        " work_unit_id, active, created_at, updated_at, tpp_ceiling, active_from, active_to,"
        " user_id, nik, nik_hash, kk_number, kk_hash)"
        " SELECT LPAD(s.seq, 18, '0'), CONCAT('Pegawai ', s.seq), 'PNS',"
        f" {cls}, {unit_case}, 1, {old}, {old}, NULL, NULL, NULL, NULL, '', '', '', ''"
        f" FROM seq_1_to_{n_employees} s"
    )
    sql(
        f"INSERT INTO {UmkmMerchant._meta.db_table} (document_number, business_name, owner_name,"
        " owner_nik, nib, category_id, kecamatan_id, village, address, status, created_at,"
        " updated_at, phone, scale, is_modern_retail, status_note, qris_nmid, owner_kk,"
        " owner_kk_hash, owner_nik_hash, qris_city, qris_name, qris_payload)"
        " SELECT CONCAT('B-UMKM-', s.seq), CONCAT('Warung ', s.seq), CONCAT('Pemilik ', s.seq),"
        " CONCAT('3522', LPAD(s.seq, 12, '0')), CONCAT('8', LPAD(s.seq, 12, '0')),"
        f" {category}, {kec}, 'Kadipaten', 'Jl. Bench', 'verified', {old}, {old}, '', 'micro',"
        f" 0, '', '', '', '', '', '', '', '' FROM seq_1_to_{n_merchants} s"
    )
    sql(
        f"INSERT INTO {MerchantVerificationSpan._meta.db_table} (merchant_id, verified_from,"
        f" verified_until) SELECT id, {old}, NULL FROM {UmkmMerchant._meta.db_table}"
    )
    e0 = Employee.objects.order_by("id").values_list("id", flat=True).first()
    m0 = UmkmMerchant.objects.order_by("id").values_list("id", flat=True).first()
    year, month = map(int, period.split("-"))
    start = dt.datetime(year, month, 1) - dt.timedelta(hours=7)
    days = 28
    sql(
        f"INSERT INTO {Purchase._meta.db_table} (document_number, employee_id, merchant_id,"
        " purchased_at, period, amount, description, category_id, receipt, receipt_sha256,"
        " payment_method, qris_reference, client_key, status, merchant_note, decision_reason,"
        " contest_evidence, created_by_id, created_at, updated_at)"
        " SELECT CONCAT('B-', s.seq),"
        f" {e0} + (s.seq * 7919) % {n_employees},"
        # merchants: a skewed choice (lunch places are popular)
        f" {m0} + FLOOR(POW(((s.seq * 104729) % 1000003) / 1000003, 2) * {n_merchants}),"
        f" TIMESTAMPADD(SECOND, (s.seq * 977) % {days * 86400}, '{start:%Y-%m-%d %H:%M:%S}'),"
        f" '{period}', 10000 + (s.seq % 100) * 1000, '', {category}, 'receipts/bench.jpg',"
        " SHA2(s.seq, 256), 'cash', '', NULL,"
        " CASE s.seq % 10 WHEN 0 THEN 'submitted' WHEN 1 THEN 'rejected' ELSE 'verified' END,"
        f" '', '', '', NULL, {old}, {old} FROM seq_1_to_{n_purchases} s"
    )
    for model in (Employee, UmkmMerchant, Purchase):
        sql(f"ANALYZE TABLE {model._meta.db_table}")


# --- lookup -------------------------------------------------------------------------------------
def _secondary_indexes(table: str) -> dict[str, list[str]]:
    """The table's non-unique indexes: name -> columns in order."""
    out: dict[str, list[str]] = {}
    with connection.cursor() as cur:
        cur.execute(f"SHOW INDEX FROM {table}")
        cols = [c[0] for c in cur.description]
        for row in cur.fetchall():
            r = dict(zip(cols, row, strict=True))
            if r["Non_unique"]:
                out.setdefault(r["Key_name"], []).append(r["Column_name"])
    return out


def fill_fingerprints(n: int) -> None:
    """``n`` fingerprints with uniformly random 64-bit hashes, fast: one ``INSERT … SELECT`` over
    MariaDB's sequence table into the table stripped of its secondary indexes, which are then
    rebuilt in one ``ALTER TABLE`` (a sorted build instead of a million random index inserts).
    The rows point at purchase ids 1..n that are not created: the lookup reads only this table
    (foreign-key checks are off for the load)."""
    from ebakul.integrity.models import ReceiptFingerprint

    table = ReceiptFingerprint._meta.db_table
    indexes = _secondary_indexes(table)
    sql("SET FOREIGN_KEY_CHECKS = 0")
    sql(f"TRUNCATE TABLE {table}")
    sql(f"ALTER TABLE {table} " + ", ".join(f"DROP INDEX `{name}`" for name in indexes))
    ph = "CAST(CONV(SUBSTR(SHA2(CONCAT('p', s.seq), 256), 1, 16), 16, 10) AS UNSIGNED)"
    dh = "CAST(CONV(SUBSTR(SHA2(CONCAT('d', s.seq), 256), 1, 16), 16, 10) AS UNSIGNED)"
    pp = ph.replace("'p'", "'pp'")
    pd = dh.replace("'d'", "'pd'")
    # Both sets of hashes (docs/adr/0231): the paper's index is as full as the first.
    sql(
        f"INSERT INTO {table} (purchase_id, sha256_bytes, sha256_pixels, phash, dhash,"
        " phash16, rotations, paper_phash, paper_dhash, paper_phash16, paper_rotations,"
        " width, height, computed_at)"
        " SELECT x.seq, SHA2(CONCAT('b', x.seq), 256), SHA2(CONCAT('x', x.seq), 256), x.ph, x.dh,"
        " SHA2(CONCAT('q', x.seq), 256), '[]', x.pp, x.pd, SHA2(CONCAT('pq', x.seq), 256), '[]',"
        " 600, 900, NOW()"
        f" FROM (SELECT s.seq, {ph} ph, {dh} dh, {pp} pp, {pd} pd FROM seq_1_to_{n} s) x"
    )
    t = time.perf_counter()
    sql(
        f"ALTER TABLE {table} "
        + ", ".join(
            f"ADD INDEX `{name}` ({', '.join(f'`{c}`' for c in cols)})"
            for name, cols in indexes.items()
        )
    )
    log(f"  indexes rebuilt in {time.perf_counter() - t:.0f}s")
    sql("SET FOREIGN_KEY_CHECKS = 1")
    sql(f"ANALYZE TABLE {table}")


def part_lookup(n: int, queries: int) -> None:
    from ebakul.integrity import selectors, services
    from ebakul.integrity.fingerprints import fingerprint
    from ebakul.integrity.models import ReceiptFingerprint

    t = time.perf_counter()
    if ReceiptFingerprint.objects.count() != n:
        fill_fingerprints(n)
        log(f"lookup: {n:,} fingerprints inserted in {time.perf_counter() - t:.0f}s")
    rng = random.Random(15)
    # Real receipts replace the fingerprints of the first ``queries`` purchases (a new row each,
    # as services.record_facts stores a changed picture).
    originals = []
    first = list(
        ReceiptFingerprint.objects.order_by("purchase_id").values_list("purchase_id", flat=True)[
            :queries
        ]
    )
    sql("SET FOREIGN_KEY_CHECKS = 0")
    for i, pid in enumerate(first):
        img = draw_receipt(rng)
        fp = fingerprint(jpeg(img))
        ReceiptFingerprint.objects.filter(purchase_id=pid).delete()
        ReceiptFingerprint.objects.create(purchase_id=pid, **services.fingerprint_fields(fp))
        originals.append((pid, img, TRANSFORMS[i % len(TRANSFORMS)]))
    sql("SET FOREIGN_KEY_CHECKS = 1")
    # The first lookup of a process loads the in-memory band index (hashindex.py).
    t = time.perf_counter()
    selectors.near_duplicates(ReceiptFingerprint.objects.order_by("id").last())
    log(f"  first lookup (loads the band index of the process): {time.perf_counter() - t:.1f}s")
    times, hash_times, found, candidates = [], [], {}, []
    for pid, img, kind in originals:
        data = jpeg(transform(img, kind, rng))
        h0 = time.perf_counter()
        fp = fingerprint(data)
        hash_times.append(time.perf_counter() - h0)
        query = ReceiptFingerprint(purchase_id=0, **services.fingerprint_fields(fp))
        q0 = time.perf_counter()
        matches = selectors.near_duplicates(query)
        times.append(time.perf_counter() - q0)
        found.setdefault(kind, []).append(any(m.purchase_id == pid for m in matches))
        candidates.append(
            sum(selectors.near_candidates(query, prefix=p)[1] for p in selectors.PREFIXES)
        )
    log(
        f"lookup among {ReceiptFingerprint.objects.count():,}: p50 {pct(times, 50) * 1000:.1f} ms,"
        f" p95 {pct(times, 95) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms;"
        f" fingerprints the bands of both sets pointed at per lookup median {statistics.median(candidates):.0f},"
        f" max {max(candidates)}; hashing the query photo p50 {pct(hash_times, 50) * 1000:.0f} ms"
    )
    for kind, hits in found.items():
        log(f"  recall {kind}: {sum(hits)}/{len(hits)}")


# --- detection ----------------------------------------------------------------------------------
KINDS = (
    "exact_colleague",  # refused at upload
    "exact_own",
    *(f"near_{k}" for k in TRANSFORMS),
    "payment_reference",
    "few_buyers",
    "month_end_burst",
    "one_unit",
)


def part_detection(n_total: int, per_kind: int, seed: int = 2026) -> None:  # noqa: C901 - one scenario
    from django.core.exceptions import ValidationError

    from ebakul.core.periods import WIB
    from ebakul.employees.models import Employee, WorkUnit
    from ebakul.integrity import behaviour, services
    from ebakul.integrity.models import PurchaseRisk, Route
    from ebakul.merchants.models import UmkmMerchant
    from ebakul.purchases.services import purchase_create

    period = "2025-06"
    bulk_world(3000, 400, 0, period)
    employees = list(Employee.objects.order_by("id"))
    merchants = list(UmkmMerchant.objects.order_by("id"))
    units = list(WorkUnit.objects.order_by("id").values_list("id", flat=True))
    rng = random.Random(seed)
    n_honest = max(n_total - per_kind * len(KINDS), 0)
    created: list[tuple[str, int | None, str]] = []  # (kind, purchase id, refused signal)

    def when(day=None):
        day = day or rng.randint(1, 27)
        return dt.datetime(2025, 6, day, rng.randint(7, 20), rng.randint(0, 59), tzinfo=WIB)

    def submit(kind, employee, merchant, data, at=None, ref="", amount=None):
        try:
            with transaction.atomic(), services.inline_checks():
                p = purchase_create(
                    employee=employee,
                    merchant=merchant,
                    purchased_at=at or when(),
                    amount=amount or rng.randint(10, 150) * 1000,
                    receipt=SimpleUploadedFile("nota.jpg", data),
                    actor=None,
                    payment_method="qris" if ref else "cash",
                    qris_reference=ref,
                )
                p.status = "submitted"
                p.save(update_fields=["status"])
                services.record_facts(p)
                services.score_purchase(p, auto_verify=False)
            created.append((kind, p.pk, ""))
            return p
        except ValidationError as exc:
            codes = [e.code for errs in exc.error_dict.values() for e in errs]
            created.append((kind, None, ";".join(c or "" for c in codes)))
            return None

    t = time.perf_counter()
    # Honest claims: each employee buys at a few favourite merchants; some pay by QRIS.
    # Paper merchants (the behaviour kinds) sell to nobody else.
    spare = [m for m in merchants if m.pk % 7 == 0]
    shops = [m for m in merchants if m.pk % 7 != 0]
    favourites = {e.pk: rng.sample(shops, 3) for e in employees}
    originals: dict[int, bytes] = {}  # the bytes each honest employee uploaded
    for i in range(n_honest):
        e = rng.choice(employees)
        data = jpeg(draw_receipt(rng))
        ref = f"QR{rng.randrange(10**12):012d}" if rng.random() < 0.3 else ""
        p = submit("honest", e, rng.choice(favourites[e.pk]), data, ref=ref)
        if p is not None:
            originals[p.pk] = data
        if i % 500 == 0:
            log(f"  honest {i}/{n_honest} ({time.perf_counter() - t:.0f}s)")
    # Fraud.
    for kind in KINDS:
        for _j in range(per_kind):
            if kind.startswith("near_") or kind.startswith("exact_"):
                src = rng.choice(created)
                while src[0] != "honest" or src[1] not in originals:
                    src = rng.choice(created)
                from ebakul.purchases.models import Purchase

                original = Purchase.objects.select_related("employee", "merchant").get(pk=src[1])
                data = originals[original.pk]  # the file the employee uploaded
                if kind.startswith("near_"):
                    img = Image.open(io.BytesIO(data)).convert("RGB")
                    data = jpeg(transform(img, kind[5:], rng))
                other = original.employee if kind == "exact_own" else rng.choice(employees)
                # A copy claims what the receipt shows: the original's merchant and amount.
                submit(kind, other, original.merchant, data, amount=original.amount)
            elif kind == "payment_reference":
                src = rng.choice([c for c in created if c[0] == "honest" and c[1]])
                from ebakul.integrity.models import PaymentReference

                ref = PaymentReference.objects.filter(purchase_id=src[1]).first()
                reference = ref.reference if ref else None
                if reference is None:
                    p = submit(
                        "honest",
                        rng.choice(employees),
                        rng.choice(shops),
                        jpeg(draw_receipt(rng)),
                        ref=f"QR{rng.randrange(10**12):012d}",
                    )
                    reference = p.qris_reference
                submit(
                    kind,
                    rng.choice(employees),
                    rng.choice(shops),
                    jpeg(draw_receipt(rng)),
                    ref=reference,
                )
        # Behaviour kinds: one paper merchant per 12 claims.
        if kind == "few_buyers":
            for _g in range(per_kind // 12):
                m, buyers = spare.pop(), rng.sample(employees, 2)
                for j in range(12):
                    submit(kind, buyers[j % 2], m, jpeg(draw_receipt(rng)))
        if kind == "month_end_burst":
            for _g in range(per_kind // 12):
                m = spare.pop()
                for _j in range(12):
                    submit(
                        kind,
                        rng.choice(employees),
                        m,
                        jpeg(draw_receipt(rng)),
                        at=when(rng.choice([28, 29, 30])),
                    )
        if kind == "one_unit":
            for _g in range(per_kind // 12):
                m, unit = spare.pop(), rng.choice(units)
                staff = [e for e in employees if e.work_unit_id == unit][:12]
                for j in range(12):
                    submit(kind, staff[j % len(staff)], m, jpeg(draw_receipt(rng)))
    log(f"detection: {len(created):,} purchases submitted in {time.perf_counter() - t:.0f}s")
    t = time.perf_counter()
    stats = behaviour.scan_period(period)
    log(f"  behaviour scan + re-score: {time.perf_counter() - t:.1f}s {stats['by_signal']}")
    routes = dict(PurchaseRisk.objects.values_list("purchase_id", "route"))
    by_kind: dict[str, list[bool]] = {}
    honest_high = honest_review = honest_n = 0
    for kind, pid, _refused in created:
        route = Route.REFUSED if pid is None else routes.get(pid)
        if kind == "honest":
            honest_n += 1
            honest_high += route in (Route.INVESTIGATE, Route.REFUSED)
            honest_review += route == Route.REVIEW
            continue
        caught = route in (Route.INVESTIGATE, Route.REFUSED)
        if kind in ("few_buyers", "month_end_burst", "one_unit"):
            caught = route in (Route.INVESTIGATE, Route.REVIEW)  # a weak signal: to a person
        by_kind.setdefault(kind, []).append(caught)
    log(
        f"  honest: {honest_n}, sent above review {honest_high} ({100 * honest_high / max(honest_n, 1):.2f}%),"
        f" to review {honest_review} ({100 * honest_review / max(honest_n, 1):.2f}%)"
    )
    for kind, hits in by_kind.items():
        log(f"  caught {kind}: {sum(hits)}/{len(hits)} ({100 * sum(hits) / len(hits):.1f}%)")


# --- scan ---------------------------------------------------------------------------------------
def part_scan() -> None:
    from ebakul.integrity import behaviour
    from ebakul.purchases.models import Purchase

    period = "2025-06"
    if Purchase.objects.filter(period=period).count() != 50_000:
        t = time.perf_counter()
        bulk_world(8470, 2000, 50_000, period)
        log(f"scan: data in {time.perf_counter() - t:.0f}s")
    times = []
    for _ in range(3):
        t = time.perf_counter()
        with transaction.atomic():
            stats = behaviour.scan_period(period, rescore=False)
        times.append(time.perf_counter() - t)
    log(
        f"scan 8,470 employees / 50,000 purchases: best {min(times):.2f}s, runs "
        f"{', '.join(f'{x:.2f}' for x in times)}; findings {stats['findings']} {stats['by_signal']}"
    )
    t = time.perf_counter()
    stats = behaviour.scan_period(period, rescore=True)
    log(
        f"  with re-scoring the {stats['rescored']} flagged purchases: {time.perf_counter() - t:.1f}s"
    )


# --- upload -------------------------------------------------------------------------------------
def part_upload(n: int) -> None:
    from ebakul.employees.models import Employee
    from ebakul.merchants.models import UmkmMerchant
    from ebakul.purchases.services import purchase_create

    if not Employee.objects.exists():
        bulk_world(100, 20, 0, "2025-06")
    employees = list(Employee.objects.all()[:100])
    merchants = list(UmkmMerchant.objects.all()[:20])
    rng = random.Random(7)
    photos = []
    for _ in range(n):
        img = draw_receipt(rng)
        img = img.resize((img.width * 3, img.height * 3))  # a phone photo, ~1-2 MB
        photos.append(jpeg(img, quality=92))
    times = []
    for i, data in enumerate(photos):
        t = time.perf_counter()
        with transaction.atomic():
            purchase_create(
                employee=employees[i % len(employees)],
                merchant=merchants[i % len(merchants)],
                purchased_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
                amount=50_000,
                receipt=SimpleUploadedFile("nota.jpg", data),
                actor=None,
            )
        times.append(time.perf_counter() - t)
    size = statistics.mean(len(p) for p in photos) / 1e6
    log(
        f"upload ({n} photos, mean {size:.1f} MB): p50 {pct(times, 50) * 1000:.0f} ms,"
        f" p95 {pct(times, 95) * 1000:.0f} ms (fingerprint and score queued, not waited for)"
    )


# --- import -------------------------------------------------------------------------------------
def part_import(n: int, workers_list: list[int]) -> None:
    """``import_purchases`` (imports.import_rows, as the command runs it) of ``n`` generated
    receipts with OCR on, once per worker count; rows/s of the whole import (hashing and OCR in
    the workers, the sequential writes and scores)."""
    import csv
    import tempfile

    from ebakul.employees.models import Employee
    from ebakul.integrity import imports
    from ebakul.merchants.models import UmkmMerchant

    period = "2025-06"
    bulk_world(200, 20, 0, period)
    nips = list(Employee.objects.values_list("nip", flat=True)[:200])
    nibs = list(UmkmMerchant.objects.values_list("nib", flat=True)[:20])
    rng = random.Random(17)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    receipts = folder / "struk"
    receipts.mkdir()
    for run, workers in enumerate(workers_list):
        rows = []
        for i in range(n):
            amount = rng.randint(10, 150) * 1000
            name = f"r{run}-{i}.jpg"
            (receipts / name).write_bytes(jpeg(draw_receipt(rng, amount=amount)))
            rows.append(
                {
                    "external_id": f"B{run}-{i}",
                    "nip": rng.choice(nips),
                    "merchant_nib": rng.choice(nibs),
                    "purchased_at": f"2025-06-{rng.randint(1, 27):02d}T12:00:00",
                    "amount": str(amount),
                    "payment_method": "cash",
                    "payment_reference": "",
                    "description": "bench",
                    "receipt_file": name,
                }
            )
        path = folder / f"run{run}.csv"
        with path.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=imports.COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        load = os.getloadavg()
        t = time.perf_counter()
        summary = imports.import_rows(
            imports.read_rows(path), receipts_dir=receipts, workers=workers, read=True
        )
        took = time.perf_counter() - t
        log(
            f"import with OCR, {n} rows, --workers {workers}: {took:.1f}s, {n / took:.2f} rows/s"
            f" (imported {summary.count('imported')}, refused {summary.count('refused')});"
            f" load before {load[0]:.1f}, after {os.getloadavg()[0]:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", default="lookup,detection,scan,upload")
    parser.add_argument("--fingerprints", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=210)
    parser.add_argument("--purchases", type=int, default=5_000)
    parser.add_argument("--uploads", type=int, default=60)
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026, help="detection: the draw")
    parser.add_argument("--import-rows", type=int, default=60)
    parser.add_argument("--import-workers", default="1,2")
    args = parser.parse_args()
    log(f"load average {os.getloadavg()}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    prepare()
    for part in args.parts.split(","):
        if part == "lookup":
            part_lookup(args.fingerprints, args.queries)
        elif part == "detection":
            part_detection(args.purchases, args.per_kind, args.seed)
        elif part == "scan":
            part_scan()
        elif part == "import":
            part_import(args.import_rows, [int(w) for w in args.import_workers.split(",")])
        elif part == "upload":
            part_upload(args.uploads)
        log(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
