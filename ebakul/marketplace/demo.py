"""Demo data of the marketplace (issue 17): storefronts and catalogues for the verified demo
merchants, orders in every state (completed ones became verified purchases through the same hook
as in production), reviews, and some counted searches and page views for the demand insights.
Statuses are set directly (docs/adr/0005); randomness only from ``ctx.rng``."""

import datetime as dt

from django.db.models import Q

from ebakul.merchants.models import MerchantCategory

from . import hooks
from .models import (
    Fulfilment,
    Listing,
    MerchantPageView,
    Order,
    OrderLine,
    OrderStatus,
    Review,
    SearchLog,
    Storefront,
)
from .normalise import tokens
from .services import index_listing, merchant_rating_refresh, synonyms
from .words import CATALOGUE

SHOPS = 60
ORDERS = 18  # fixed: the seeding stays set-based whatever the number of employees
ORDER_STATES = [
    OrderStatus.PLACED,
    OrderStatus.ACCEPTED,
    OrderStatus.READY,
    OrderStatus.HANDED_OVER,
    OrderStatus.DECLINED,
    OrderStatus.CANCELLED,
    OrderStatus.COMPLETED,
    OrderStatus.COMPLETED,
    OrderStatus.COMPLETED,
]
REVIEWS = ["Enak dan cepat.", "Pelayanan ramah.", "Sesuai pesanan.", "Harga bersahabat.", ""]
UNMET = ["servis hp", "les privat", "sewa tenda", "katering sehat", "bengkel las"]


def seed(ctx) -> None:
    shops = [m for m in ctx.merchants if m.status == "verified" and not m.is_modern_retail]
    shops = shops[:SHOPS]
    if not shops:
        ctx.log("marketplace: no verified demo merchant, no catalogue")
        return
    categories = {c.code: c for c in MerchantCategory.objects.all()}
    syn = synonyms()
    listings, fronts = [], []
    for shop in shops:
        fronts.append(
            Storefront(
                merchant=shop,
                opens_at=dt.time(ctx.rng.choice([6, 7, 8])),
                closes_at=dt.time(ctx.rng.choice([16, 17, 21])),
                open_days=ctx.rng.choice(["123456", "1234567", "12345"]),
                offers_pickup=True,
                offers_delivery=ctx.rng.random() < 0.5,
            )
        )
        pool = CATALOGUE.get(shop.category.code) or CATALOGUE["makanan-minuman"]
        for name, description, price, unit in ctx.rng.sample(pool, min(len(pool), 6)):
            item = Listing(
                merchant=shop,
                name=name,
                description=description,
                price=price,
                unit=unit,
                category=categories.get(shop.category.code, shop.category),
                stock=ctx.rng.choice([None, None, 20, 50]),
            )
            item.merchant = shop
            index_listing(item, syn)
            listings.append(item)
    Storefront.objects.bulk_create(fronts, ignore_conflicts=True)
    Listing.objects.bulk_create(listings, ignore_conflicts=True)
    ctx.log(f"marketplace: {len(shops)} storefronts, {len(listings)} listings")
    _orders(ctx, shops)
    _insights(ctx, shops)


def _orders(ctx, shops) -> None:
    buyers = [e for e in ctx.employees if e.user_id][:ORDERS]
    if not buyers:
        return
    by_shop: dict[int, list[Listing]] = {}
    for item in Listing.objects.filter(merchant__in=shops).order_by("pk"):
        by_shop.setdefault(item.merchant_id, []).append(item)
    made = completed = 0
    for i, employee in enumerate(buyers):
        shop = shops[i % len(shops)]
        items = [x for x in by_shop.get(shop.pk, []) if x.price]
        if not items:
            continue
        state = ORDER_STATES[i % len(ORDER_STATES)]
        # Today, from midnight WIB, never after "now": the same data all day (ADR 0005).
        placed_at = min(
            ctx.today_start + dt.timedelta(minutes=ctx.rng.randint(0, 600)),
            ctx.now - dt.timedelta(minutes=1),
        )
        order = Order.objects.create(
            number=f"EBK-ORD-DEMO-{i + 1:04d}",
            employee=employee,
            merchant=shop,
            status=OrderStatus.PLACED,
            fulfilment=ctx.rng.choice(list(Fulfilment.values)),
            note=ctx.rng.choice(["", "Tanpa sambal", "Antar ke kantor jam 12"]),
            placed_at=placed_at,
        )
        lines = [
            OrderLine(
                order=order, listing=x, name=x.name, unit=x.unit, quantity=q, unit_price=x.price
            )
            for x, q in (
                (x, ctx.rng.randint(1, 3)) for x in ctx.rng.sample(items, min(2, len(items)))
            )
        ]
        OrderLine.objects.bulk_create(lines)
        order.total = sum(line.unit_price * line.quantity for line in lines)
        order.status = state
        if state != OrderStatus.PLACED:
            order.accepted_at = placed_at + dt.timedelta(minutes=20)
        if state == OrderStatus.DECLINED:
            order.accepted_at = None
            order.reason = "Bahan sedang habis"
        if state == OrderStatus.CANCELLED:
            order.reason = "Rapat dibatalkan"
        if state in (OrderStatus.HANDED_OVER, OrderStatus.COMPLETED):
            order.handed_over_at = min(placed_at + dt.timedelta(hours=1), ctx.now)
        if state == OrderStatus.COMPLETED:
            at = min(placed_at + dt.timedelta(hours=1, minutes=10), ctx.now)
            try:
                order.purchase_id = hooks.get("completion")(order=order, at=at, actor=None)
            except Exception as exc:  # noqa: BLE001 - a closed period: leave it handed over
                ctx.log(f"marketplace: order {order.number} not completed ({exc})")
                order.status = OrderStatus.HANDED_OVER
            else:
                order.completed_at = at
                completed += 1
        order.save()
        if order.status == OrderStatus.COMPLETED and ctx.rng.random() < 0.8:
            Review.objects.create(
                order=order,
                merchant=shop,
                rating=ctx.rng.choice([3, 4, 4, 5, 5]),
                text=ctx.rng.choice(REVIEWS),
            )
        made += 1
    for shop_id in {s.pk for s in shops}:
        merchant_rating_refresh(shop_id)
    ctx.log(f"marketplace: {made} orders ({completed} completed into purchases)")


def _insights(ctx, shops) -> None:
    period = ctx.periods[-1]
    logs = []
    for term in UNMET:
        for shop in ctx.rng.sample(shops, min(3, len(shops))):
            n = ctx.rng.randint(2, 12)
            logs.append(
                SearchLog(
                    period=period,
                    kecamatan_id=shop.kecamatan_id,
                    term=" ".join(tokens(term)),
                    searches=n,
                    empty_searches=n,
                )
            )
    SearchLog.objects.bulk_create(logs, ignore_conflicts=True)
    day = ctx.now.date()
    views = [
        MerchantPageView(
            merchant=shop, day=day - dt.timedelta(days=d), views=ctx.rng.randint(1, 15)
        )
        for shop in shops[:20]
        for d in range(5)
    ]
    MerchantPageView.objects.bulk_create(views, ignore_conflicts=True)


def reset(rows, log) -> None:
    """Orders point at demo employees and merchants with PROTECT: they go first."""
    orders = Order.objects.filter(
        Q(employee__in=rows.employees()) | Q(merchant__in=rows.merchants())
    )
    n = orders.count()
    orders.delete()
    log(f"marketplace: {n} orders deleted")
