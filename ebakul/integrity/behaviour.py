"""The behaviour scan of one period (issue 15): a few set-based queries over the period's claims,
their findings replaced in one go, then the purchases whose findings changed are scored again.

- ``merchant_few_buyers``: at least ``FEW_BUYERS_MIN_CLAIMS`` claims from at most
  ``FEW_BUYERS_MAX`` employees;
- ``merchant_one_unit``: at least ``ONE_UNIT_MIN_CLAIMS`` claims from at least 5 employees, and
  at least ``ONE_UNIT_SHARE`` of them from one work unit;
- ``month_end_burst``: at least ``BURST_MIN_CLAIMS`` claims bought (WIB) in the last
  ``BURST_DAYS`` days of the month, making at least ``BURST_SHARE`` of the merchant's claims;
- ``whole_requirement_new_merchant``: a purchase equal to the employee's remaining requirement
  (the requirement minus the employee's earlier claims of the period) at a merchant the employee
  had never claimed from before. The requirement comes from a provider another app registers
  (:func:`register_requirement_provider`; the compliance app's stored results).

Claims are the period's purchases that left the draft and were not rejected.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.db import connection, transaction

from ebakul.core.periods import WIB, period_last_day
from ebakul.purchases.models import Purchase

from .models import BehaviourFinding

FEW_BUYERS_MIN_CLAIMS = 10
FEW_BUYERS_MAX = 3
ONE_UNIT_MIN_CLAIMS = 10
ONE_UNIT_SHARE = 0.9
ONE_UNIT_MIN_BUYERS = 5
BURST_DAYS = 3
BURST_MIN_CLAIMS = 8
BURST_SHARE = 0.7
NOT_CLAIMS = ("draft", "rejected")

# period -> {employee id: required amount}
_REQUIREMENT: dict[str, Callable[[str], dict[int, int]]] = {}


def register_requirement_provider(name: str, fn: Callable[[str], dict[int, int]]) -> None:
    _REQUIREMENT[name] = fn


def _requirements(period: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for fn in _REQUIREMENT.values():
        out.update(fn(period))
    return out


def _rows(template: str, params) -> list[tuple]:
    """Run ``template`` with its ``{claims}`` (the period's claims as ``p``) and ``{claims_e}``
    (the same joined to their employee as ``e``) filled in; every value is bound."""
    purchases = Purchase._meta.db_table
    employees = Purchase._meta.get_field("employee").related_model._meta.db_table
    where = f"p.period = %s AND p.status NOT IN ({', '.join(['%s'] * len(NOT_CLAIMS))})"
    sql = (
        template.replace(
            "{claims_e}", f"{purchases} p JOIN {employees} e ON e.id = p.employee_id WHERE {where}"
        )
        .replace("{claims}", f"{purchases} p WHERE {where}")
        .replace("{purchases}", purchases)
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


FEW_BUYERS_SQL = """
SELECT p.merchant_id, COUNT(*), COUNT(DISTINCT p.employee_id) FROM {claims}
GROUP BY p.merchant_id HAVING COUNT(*) >= %s AND COUNT(DISTINCT p.employee_id) <= %s"""
ONE_UNIT_SQL = """
SELECT x.merchant_id, x.work_unit_id, x.n, x.total FROM (
  SELECT p.merchant_id, e.work_unit_id, COUNT(*) n,
    SUM(COUNT(*)) OVER (PARTITION BY p.merchant_id) total
  FROM {claims_e} GROUP BY p.merchant_id, e.work_unit_id) x
JOIN (SELECT p.merchant_id, COUNT(DISTINCT p.employee_id) buyers FROM {claims}
      GROUP BY p.merchant_id) b ON b.merchant_id = x.merchant_id
WHERE x.total >= %s AND x.n >= %s * x.total AND b.buyers >= %s"""
BURST_SQL = """
SELECT p.merchant_id, SUM(p.purchased_at >= %s), COUNT(*) FROM {claims}
GROUP BY p.merchant_id
HAVING SUM(p.purchased_at >= %s) >= %s AND SUM(p.purchased_at >= %s) >= %s * COUNT(*)"""
RUNNING_SQL = """
SELECT p.id, p.employee_id, p.merchant_id, p.amount,
  COALESCE(SUM(p.amount) OVER (PARTITION BY p.employee_id ORDER BY p.id
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
  EXISTS(SELECT 1 FROM {purchases} q WHERE q.employee_id = p.employee_id
    AND q.merchant_id = p.merchant_id AND q.id < p.id AND q.status <> 'draft')
FROM {claims}"""
MERCHANT_IDS_SQL = "SELECT p.id FROM {claims} AND p.merchant_id IN %s"
UNIT_IDS_SQL = "SELECT p.id, p.merchant_id, e.work_unit_id FROM {claims_e} AND p.merchant_id IN %s"
BURST_IDS_SQL = (
    "SELECT p.id, p.merchant_id FROM {claims} AND p.merchant_id IN %s AND p.purchased_at >= %s"
)


def scan_period(period: str, *, rescore: bool = True) -> dict:
    started = time.monotonic()
    base = [period, *NOT_CLAIMS]
    found: dict[tuple[int, str], tuple[str, int | None]] = {}

    # A handful of buyers.
    few = {
        m: f"{n} klaim dari {buyers} pegawai"
        for m, n, buyers in _rows(FEW_BUYERS_SQL, [*base, FEW_BUYERS_MIN_CLAIMS, FEW_BUYERS_MAX])
    }
    if few:
        for pid, merchant_id in _rows(
            MERCHANT_IDS_SQL.replace("p.id FROM", "p.id, p.merchant_id FROM"), [*base, list(few)]
        ):
            found[(pid, "merchant_few_buyers")] = (few[merchant_id], merchant_id)

    # Mostly one work unit.
    units = {
        (m, unit): f"{n} dari {int(total)} klaim dari satu unit kerja"
        for m, unit, n, total in _rows(
            ONE_UNIT_SQL, [*base, *base, ONE_UNIT_MIN_CLAIMS, ONE_UNIT_SHARE, ONE_UNIT_MIN_BUYERS]
        )
    }
    if units:
        for pid, merchant_id, unit_id in _rows(
            UNIT_IDS_SQL, [*base, sorted({m for m, _u in units})]
        ):
            detail = units.get((merchant_id, unit_id))
            if detail:
                found[(pid, "merchant_one_unit")] = (detail, merchant_id)

    # A burst in the last days of the month (WIB).
    last = period_last_day(period)
    burst_from = dt.datetime.combine(
        last - dt.timedelta(days=BURST_DAYS - 1), dt.time(0, 0), tzinfo=WIB
    )
    bursts = {
        m: f"{int(n_burst)} dari {n_all} klaim pada {BURST_DAYS} hari terakhir bulan"
        for m, n_burst, n_all in _rows(
            BURST_SQL,
            [burst_from, *base, burst_from, BURST_MIN_CLAIMS, burst_from, BURST_SHARE],
        )
    }
    if bursts:
        for pid, merchant_id in _rows(BURST_IDS_SQL, [*base, list(bursts), burst_from]):
            found[(pid, "month_end_burst")] = (bursts[merchant_id], merchant_id)

    # One purchase = the whole remaining requirement, at a merchant never used before.
    required = _requirements(period)
    if required:
        for pid, employee_id, merchant_id, amount, before, used in _rows(RUNNING_SQL, base):
            need = required.get(employee_id, 0) - int(before)
            if need > 0 and amount == need and not used:
                found[(pid, "whole_requirement_new_merchant")] = (
                    "satu pembelian sebesar seluruh sisa kewajiban di pelaku usaha baru",
                    merchant_id,
                )

    with transaction.atomic():
        before_ids = set(
            BehaviourFinding.objects.filter(period=period).values_list("purchase_id", flat=True)
        )
        BehaviourFinding.objects.filter(period=period).delete()
        BehaviourFinding.objects.bulk_create(
            [
                BehaviourFinding(
                    period=period,
                    signal_code=code,
                    purchase_id=pid,
                    detail=detail,
                    related_merchant_id=merchant_id,
                )
                for (pid, code), (detail, merchant_id) in found.items()
            ],
            batch_size=2000,
        )
    changed = before_ids | {pid for pid, _code in found}
    scanned = time.monotonic() - started
    if rescore and changed:
        from .services import score_purchase

        for purchase in Purchase.objects.filter(pk__in=changed).select_related(
            "employee", "merchant"
        ):
            score_purchase(purchase)
    by_code: dict[str, int] = {}
    for _pid, code in found:
        by_code[code] = by_code.get(code, 0) + 1
    return {
        "period": period,
        "findings": len(found),
        "by_signal": by_code,
        "rescored": len(changed) if rescore else 0,
        "scan_seconds": round(scanned, 3),
        "seconds": round(time.monotonic() - started, 3),
    }
