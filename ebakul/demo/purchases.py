"""Demo purchases with their receipt images (see ``ebakul.demo.seeder``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import math
import os
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from PIL import Image, ImageDraw, ImageFont

from ebakul.core.money import format_rupiah
from ebakul.core.periods import WIB, period_bounds, period_of
from ebakul.demo import names
from ebakul.demo.seeder import (
    BATCH,
    FLOOR,
    RATE,
    DemoContext,
    reserve_numbers,
    weighted,
    with_history,
)
from ebakul.purchases.models import PaymentMethod, Purchase, PurchaseStatus

_FONT = None


def render_receipt(lines: list[str]) -> bytes:
    """A small black-and-white PNG receipt (~1 KB). The lines carry the document number, so
    every receipt is unique."""
    global _FONT
    if _FONT is None:
        _FONT = ImageFont.load_default_imagefont()
    width, height = 150, 24 + 14 * len(lines)
    img = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(img)
    draw.rectangle((2, 2, width - 3, height - 3), outline=0)
    y = 8
    for i, text in enumerate(lines):
        draw.text((8, y), text[:22], fill=0, font=_FONT)
        y += 14
        if i == 1:
            draw.line((8, y - 2, width - 8, y - 2), fill=0)
            y += 4
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


@dataclass(slots=True)
class _Draft:
    employee: int
    merchant: int
    purchased_at: dt.datetime
    amount: int
    status: str
    note: str
    payment: str
    qris: str
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _purchase_status(rng, *, current: bool, previous: bool, age_days: float) -> tuple[str, str]:
    s = PurchaseStatus
    if current and age_days < 2:
        table = [(s.DRAFT, 15), (s.SUBMITTED, 60), (s.MERCHANT_CONFIRMED, 25)]
    elif current:
        table = [
            (s.VERIFIED, 45),
            (s.MERCHANT_CONFIRMED, 22),
            (s.SUBMITTED, 20),
            (s.MERCHANT_DISPUTED, 4),
            (s.REJECTED, 5),
            (s.DRAFT, 4),
        ]
    elif previous:
        table = [
            (s.VERIFIED, 86),
            (s.MERCHANT_CONFIRMED, 4),
            (s.SUBMITTED, 2),
            (s.MERCHANT_DISPUTED, 2),
            (s.REJECTED, 6),
        ]
    else:
        table = [(s.VERIFIED, 94), (s.REJECTED, 5), (s.MERCHANT_DISPUTED, 1)]
    r, acc = rng.random() * sum(w for _, w in table), 0
    status = table[-1][0]
    for st, w in table:
        acc += w
        if r < acc:
            status = st
            break
    note = ""
    if status == s.REJECTED:
        note = rng.choice(names.REJECT_NOTES)
    elif status == s.MERCHANT_DISPUTED:
        note = rng.choice(names.DISPUTE_NOTES)
    return str(status), note


@dataclass
class _Shops:
    """The merchants purchases are drawn from: a few busy ones, many quiet ones."""

    merchants: list
    buyable: list[int]
    popularity: dict[int, float]
    by_kec: dict[int, list[int]]
    all_cum: list[float]

    def usable(self, j: int, at: dt.datetime) -> bool:
        """Whether merchant ``j`` was verified at ``at``."""
        start, until = self.merchants[j].demo_window
        return start <= at and (until is None or at < until)

    def pick(self, rng) -> int:
        return weighted(rng, self.buyable, self.all_cum)


def _shops(ctx: DemoContext) -> _Shops | None:
    merchants = ctx.merchants
    buyable = [j for j, m in enumerate(merchants) if m.demo_window[0] and not m.is_modern_retail]
    if not buyable or not ctx.employees:
        return None
    # A few busy merchants, many quiet ones (capped so no one dominates the map).
    popularity = {j: min(ctx.rng.paretovariate(1.5), 10.0) for j in buyable}
    popularity[0] = 3.0  # the demo merchant is busy, not the busiest
    by_kec: dict[int, list[int]] = {}
    for j in buyable:
        by_kec.setdefault(merchants[j].kecamatan_id, []).append(j)
    all_cum = list(itertools.accumulate(popularity[j] for j in buyable))
    return _Shops(merchants, buyable, popularity, by_kec, all_cum)


def _favourites(rng, shops: _Shops, employee, e_idx: int) -> list[int]:
    """3-7 regular shops, most near the employee's office or home."""
    near = sorted(
        {
            j
            for k in (employee.work_unit.kecamatan_id, employee.home_kecamatan_id)
            for j in shops.by_kec.get(k, [])
        }
    )
    near_cum = list(itertools.accumulate(shops.popularity[j] for j in near))
    favourites = [0] if e_idx == 0 else []
    for _ in range(rng.randint(3, 7)):
        if near and rng.random() < 0.65:
            favourites.append(weighted(rng, near, near_cum))
        else:
            favourites.append(shops.pick(rng))
    return favourites


def _participation(rng, e_idx: int) -> float:
    """How much of the minimum the employee spends."""
    r = rng.random()
    if e_idx == 0:
        return 1.3
    if r < 0.75:
        return rng.uniform(1.25, 2.2)  # comfortably above the minimum
    if r < 0.87:
        return rng.uniform(0.9, 1.3)  # around it
    if r < 0.95:
        return rng.uniform(0.3, 0.85)  # below it
    return rng.uniform(0, 0.3)  # hardly takes part


@dataclass
class _Buyer:
    index: int
    required: int
    favourites: list[int]
    factor: float


@dataclass
class _Month:
    index: int
    start: dt.datetime
    horizon: dt.datetime  # the month's end, or the end of today
    current: bool
    previous: bool


def _month_amounts(ctx: DemoContext, buyer: _Buyer, month: _Month, end: dt.datetime) -> list[int]:
    """The amounts one employee spends in one month. Counts and amounts depend on the day only
    (reproducible all day)."""
    rng = ctx.rng
    fraction = (month.horizon - month.start) / (end - month.start)
    n = min(12, max(1, round(rng.gauss(6, 1.8))))
    if buyer.factor < 0.3:
        n = rng.randint(0, 2)
    n = int(n * fraction + rng.random()) if month.current else n
    target = buyer.required * buyer.factor * fraction * rng.uniform(0.9, 1.1)
    weights = [rng.expovariate(1) + 0.3 for _ in range(n)]
    total = sum(weights) or 1
    return [max(5_000, round(target * w / total / 500) * 500) for w in weights]


def _payment(rng, merchant) -> tuple[str, str]:
    if merchant.qris_nmid and rng.random() < 0.5:
        return PaymentMethod.QRIS, f"{rng.randint(10**11, 10**12 - 1)}"
    return (PaymentMethod.CASH if rng.random() < 0.8 else PaymentMethod.TRANSFER), ""


def _one_purchase(ctx: DemoContext, shops: _Shops, buyer: _Buyer, month: _Month, amount: int):
    """One fabricated purchase as a :class:`_Draft`, or None when the drawn shop was not
    verified at the drawn time. Times after "now" are pulled back."""
    rng, now = ctx.rng, ctx.now
    today_end = ctx.today_start + dt.timedelta(days=1)
    limit = now - dt.timedelta(minutes=10)
    at = month.start + (month.horizon - month.start) * rng.random()
    # Shops are open in the day: move the time into 06:00-21:00 WIB (same date).
    local = at.astimezone(WIB)
    at = local.replace(hour=6 + int(rng.random() * 15), minute=rng.randint(0, 59))
    back = dt.timedelta(minutes=rng.randint(0, 120))
    age_days = (today_end - at).total_seconds() / 86400 - 0.5
    if at > limit:
        at = max(month.start, limit - back)
    choices = [j for j in buyer.favourites if shops.usable(j, at)]
    if choices and rng.random() < 0.85:
        m_idx = rng.choice(choices)
    else:
        m_idx = shops.pick(rng)
        if not shops.usable(m_idx, at):
            return None
    merchant = shops.merchants[m_idx]
    status, note = _purchase_status(
        rng, current=month.current, previous=month.previous, age_days=age_days
    )
    payment, qris = _payment(rng, merchant)
    created = min(at + dt.timedelta(minutes=rng.uniform(5, 30 * 60)), now)
    updated = created
    if status not in (PurchaseStatus.DRAFT, PurchaseStatus.SUBMITTED):
        updated = min(created + dt.timedelta(hours=rng.uniform(2, 120)), now)
    code = merchant.category.code
    return _Draft(
        employee=buyer.index,
        merchant=m_idx,
        purchased_at=at,
        amount=amount,
        status=status,
        note=note,
        payment=str(payment),
        qris=qris,
        description=rng.choice(names.ITEMS[code]) if code in names.ITEMS else "",
        created_at=created,
        updated_at=updated,
    )


def _buyer(ctx: DemoContext, shops: _Shops, e_idx: int, employee) -> _Buyer:
    ceiling = employee.effective_tpp_ceiling
    required = employee.employee_class.fixed_min_spend or max(FLOOR, math.ceil(ceiling * RATE))
    favourites = _favourites(ctx.rng, shops, employee, e_idx)
    return _Buyer(e_idx, required, favourites, _participation(ctx.rng, e_idx))


def seed_purchases(ctx: DemoContext) -> int:
    shops = _shops(ctx)
    if shops is None:
        return 0
    drafts: list[_Draft] = []
    today_end = ctx.today_start + dt.timedelta(days=1)
    last = len(ctx.periods) - 1
    for e_idx, employee in enumerate(ctx.employees):
        buyer = _buyer(ctx, shops, e_idx, employee)
        for p_idx, period in enumerate(ctx.periods):
            start, end = period_bounds(period)
            month = _Month(p_idx, start, min(end, today_end), p_idx == last, p_idx == last - 1)
            for amount in _month_amounts(ctx, buyer, month, end):
                draft = _one_purchase(ctx, shops, buyer, month, amount)
                if draft is not None:
                    drafts.append(draft)
    _write_purchases(ctx, drafts)
    return len(drafts)


def _write_purchases(ctx: DemoContext, drafts: list[_Draft]) -> None:
    """Document numbers in creation order per period, then receipts and rows in batches."""
    drafts.sort(key=lambda d: (period_of(d.purchased_at), d.created_at))
    numbers: list[str] = []
    for period, group in itertools.groupby(drafts, key=lambda d: period_of(d.purchased_at)):
        size = sum(1 for _ in group)
        prefix = f"EBK-PUR-{period}-"
        first = reserve_numbers(prefix, size)
        numbers.extend(f"{prefix}{first + n:05d}" for n in range(size))
    storage = default_storage
    for start in range(0, len(drafts), BATCH):
        batch = []
        for d, number in zip(
            drafts[start : start + BATCH], numbers[start : start + BATCH], strict=True
        ):
            employee = ctx.employees[d.employee]
            merchant = ctx.merchants[d.merchant]
            local = d.purchased_at.astimezone(WIB)
            image = render_receipt(
                [
                    "NOTA / KUITANSI",
                    merchant.business_name,
                    number,
                    d.description,
                    format_rupiah(d.amount),
                    f"{local:%d-%m-%Y %H:%M}",
                    "Terima kasih",
                ]
            )
            sha = hashlib.sha256(image).hexdigest()
            name = f"receipts/{period_of(d.purchased_at)}/{sha}.png"
            _store(storage, name, image)
            batch.append(
                Purchase(
                    document_number=number,
                    employee=employee,
                    merchant=merchant,
                    purchased_at=d.purchased_at,
                    period=period_of(d.purchased_at),
                    amount=d.amount,
                    description=d.description,
                    category=merchant.category,
                    receipt=name,
                    receipt_sha256=sha,
                    payment_method=d.payment,
                    qris_reference=d.qris,
                    status=d.status,
                    # A disputed purchase's note is the merchant's; a rejected one's the
                    # verifier's reason (docs/adr/0111).
                    merchant_note=d.note if d.status == PurchaseStatus.MERCHANT_DISPUTED else "",
                    decision_reason=d.note if d.status == PurchaseStatus.REJECTED else "",
                    created_by=employee.user,
                    created_at=d.created_at,
                    updated_at=d.updated_at,
                )
            )
        batch = Purchase.objects.bulk_create(batch, batch_size=BATCH)
        with_history(Purchase, batch, user_attr="created_by")


def _store(storage, name: str, content: bytes) -> None:
    """Receipts are content-addressed (the name is their SHA-256): an existing file is the same
    file. On the file system they are written directly; it is most of the seeding time."""
    if isinstance(storage, FileSystemStorage):
        path = storage.path(name)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(content)
    elif not storage.exists(name):
        storage.save(name, ContentFile(content))
