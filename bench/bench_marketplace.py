"""Benchmark of the marketplace (issue 17) on MariaDB: catalogue search at 5,000 merchants and
50,000 products (goal p95 < 200 ms), the merchant page and the order flow (goal p95 < 300 ms).

    EBAKUL_DB_NAME=ebakul_bench_market bash -c 'source scripts/env-mariadb.sh && \
      DJANGO_SETTINGS_MODULE=ebakul.settings.local .venv/bin/python bench/bench_marketplace.py'

Options: ``--fresh`` rebuilds the data (otherwise a re-run reuses it: about a minute to build,
then seconds), ``--search-only`` skips the merchant page and the order flow.

The data is created once with bulk inserts. Search: ``search_listings`` as the portal page runs
it (count + first page of 20), 300 queries drawn from the words of the catalogue, spelling
variants and reduplications included, sorted by relevance and (100 of them) by rating; then the
portal's search page itself (form, count, page, template) through Django's test client. Merchant
page and order steps: through the test client too (in-process, no network), logged in. The
output starts and ends with the UTC time and the load average (1, 5, 15 min): the machine may be
shared, so the figures are only comparable with the load next to them.
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

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # one line per login otherwise

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

N_MERCHANTS = 5_000
N_PRODUCTS = 50_000
N_BUYERS = 50
NIB_PREFIX = "9177"
QUERIES = [
    "nasi goreng",
    "nasgor",
    "kue-kue",
    "kue lapis",
    "djamoe",
    "jamu kunyit",
    "es teh",
    "kopi",
    "batik tulis",
    "laundry",
    "servis motor",
    "sate kambing",
    "bakso",
    "mie ayam",
    "keripik tempe",
    "kripik",
    "beras",
    "telur",
    "madu",
    "tahu walik",
    "soto ayam",
    "ledre",
    "pangkas rambut",
    "jahit seragam",
    "gas elpiji",
    "sayur-sayur",
    "tas anyaman",
    "gerabah",
    "pisang goreng",
    "rawon",
    "katering nasi kotak",
    "air galon",
    "sepatu kulit",
    "tjendol",
]
ADJ = [
    "Spesial",
    "Jumbo",
    "Mini",
    "Pedas",
    "Original",
    "Premium",
    "Hemat",
    "Keluarga",
    "Super",
    "Manis",
    "Asin",
    "Segar",
    "Khas",
    "Istimewa",
    "Murah",
    "Enak",
]


def log(msg):
    print(msg, flush=True)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def summary(name, seconds):
    ms = [s * 1000 for s in seconds]
    log(
        f"{name:28} n={len(ms):4} p50 {statistics.median(ms):7.1f} ms  p95 {pct(ms, 0.95):7.1f} ms"
        f"  max {max(ms):7.1f} ms"
    )
    return pct(ms, 0.95)


def build(fresh: bool):
    from django.contrib.auth.models import Group

    from ebakul.accounts import roles
    from ebakul.accounts.models import User
    from ebakul.core.identifiers import make_nik, make_nip
    from ebakul.core.reference import run_all
    from ebakul.employees.models import Employee, EmployeeClass, WorkUnit
    from ebakul.marketplace.models import Listing, Order, Storefront
    from ebakul.marketplace.normalise import normalise
    from ebakul.marketplace.services import synonyms
    from ebakul.marketplace.words import CATALOGUE
    from ebakul.merchants.models import (
        Kecamatan,
        MerchantCategory,
        MerchantVerificationSpan,
        UmkmMerchant,
    )

    call_command("migrate", verbosity=0)
    run_all(log=lambda _m: None)
    present = Listing.objects.count() >= N_PRODUCTS
    if present and not fresh:
        log("data present: reusing it (pass --fresh to rebuild)")
        _ratings()
        return
    log("building data…")
    Order.objects.all().delete()
    from ebakul.purchases.models import Purchase

    Purchase.objects.filter(merchant__nib__startswith=NIB_PREFIX).delete()
    Listing.objects.all().delete()
    Storefront.objects.all().delete()
    UmkmMerchant.objects.filter(nib__startswith=NIB_PREFIX).delete()
    rng = random.Random(17)
    kecs = list(Kecamatan.objects.all())
    cats = {c.code: c for c in MerchantCategory.objects.all()}
    codes = list(CATALOGUE)
    merchants = []
    for i in range(N_MERCHANTS):
        code = codes[i % len(codes)]
        merchants.append(
            UmkmMerchant(
                document_number=f"EBK-UMKM-B17-{i:05d}",
                business_name=f"{rng.choice(['Warung', 'Kedai', 'Usaha', 'Dapur'])} "
                f"{rng.choice(['Sri', 'Joko', 'Ani', 'Barokah', 'Rejeki', 'Makmur'])} {i}",
                owner_name=f"Pemilik {i}",
                owner_nik=make_nik(700000 + i),
                nib=NIB_PREFIX + f"{i:09d}",
                category=cats[code],
                kecamatan=rng.choice(kecs),
                village="Desa",
                address="Jl. Raya",
                status="verified",
            )
        )
    UmkmMerchant.objects.bulk_create(merchants, batch_size=1000)
    merchants = list(
        UmkmMerchant.objects.filter(nib__startswith=NIB_PREFIX).select_related(
            "category", "kecamatan"
        )
    )
    since = timezone.now() - timezone.timedelta(days=365)
    MerchantVerificationSpan.objects.bulk_create(
        [MerchantVerificationSpan(merchant=m, verified_from=since) for m in merchants],
        batch_size=2000,
    )
    Storefront.objects.bulk_create(
        [Storefront(merchant=m, offers_delivery=rng.random() < 0.4) for m in merchants],
        batch_size=2000,
    )
    syn = synonyms()
    batch = []
    per = N_PRODUCTS // N_MERCHANTS
    for m in merchants:
        pool = CATALOGUE[m.category.code]
        start = rng.randrange(len(pool))
        for j in range(per):
            name, desc, price, unit = pool[(start + j) % len(pool)]
            # the first round of the pool as named, then variants: unique per merchant
            full = name if j < len(pool) else f"{name} {ADJ[j]}"
            batch.append(
                Listing(
                    merchant=m,
                    name=full,
                    description=desc,
                    price=price,
                    unit=unit,
                    category=m.category,
                    name_norm=normalise(full, syn),
                    body_norm=normalise(
                        f"{desc} {m.business_name} {m.category.name} {m.kecamatan.name}", syn
                    ),
                )
            )
        if len(batch) >= 5000:
            Listing.objects.bulk_create(batch)
            batch = []
    Listing.objects.bulk_create(batch)
    # buyers
    group = Group.objects.get(name=roles.EMPLOYEE)
    klass = EmployeeClass.objects.get(number=7)
    unit = WorkUnit.objects.first()
    for i in range(N_BUYERS):
        nip = make_nip(900000 + i)
        user, created = User.objects.get_or_create(username=nip)
        if created:
            user.set_password("rahasia-123")
            user.save()
            user.groups.add(group)
            Employee.objects.create(
                nip=nip,
                name=f"Pembeli {i}",
                employee_type="PNS",
                employee_class=klass,
                work_unit=unit,
                user=user,
                active=True,
            )
    # merchant accounts for the order flow
    mgroup = Group.objects.get(name=roles.MERCHANT)
    for i, m in enumerate(merchants[:N_BUYERS]):
        user, created = User.objects.get_or_create(username=f"penjual-b17-{i}")
        if created:
            user.set_password("rahasia-123")
            user.save()
            user.groups.add(mgroup)
        UmkmMerchant.objects.filter(pk=m.pk).update(user=user)
    _ratings()
    log(f"built {len(merchants)} merchants, {Listing.objects.count()} listings")


def _ratings():
    """Four merchants in five have a rating (1.5 to 5) on their listings, as reviews would
    leave it (ADR 0422); the fifth none. Idempotent."""
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import Cast, Mod

    from ebakul.marketplace.models import Listing

    unrated = [pk for pk in _bench_merchant_ids() if pk % 5 == 0]
    rated = Listing.objects.exclude(merchant_id__in=unrated)
    if rated.filter(merchant_rating__isnull=True).exists():
        rated.update(
            merchant_rating=Value(1.5) + Cast(Mod(F("merchant_id"), 8), FloatField()) * Value(0.5)
        )


def _bench_merchant_ids() -> list[int]:
    from ebakul.merchants.models import UmkmMerchant

    return list(
        UmkmMerchant.objects.filter(nib__startswith=NIB_PREFIX).values_list("pk", flat=True)
    )


def bench_search(rounds: int, sort: str = "relevance") -> float:
    from ebakul.marketplace.selectors import search_listings

    rng = random.Random(5)
    times, found = [], []
    for _ in range(rounds):
        q = rng.choice(QUERIES)
        t0 = time.perf_counter()
        qs = search_listings(q=q, sort=sort)
        n = qs.count()
        page = list(qs[:20])
        times.append(time.perf_counter() - t0)
        found.append(n)
        assert n == 0 or page
    if sort == "relevance":
        log(f"search: results per query median {statistics.median(found):.0f}, max {max(found)}")
    return summary(f"search by {sort} (count+page)", times)


def bench_search_page(rounds: int) -> float:
    """The employee's search page as served: form, count, page of 20, template."""
    from ebakul.employees.models import Employee

    buyer = Employee.objects.filter(name__startswith="Pembeli ").select_related("user").first()
    client = Client()
    client.force_login(buyer.user)
    rng = random.Random(6)
    times = []
    for _ in range(rounds):
        q = rng.choice(QUERIES)
        t0 = time.perf_counter()
        r = client.get(reverse("portal:market_search"), {"q": q})
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.status_code
    return summary("search page (portal view)", times)


def bench_pages_and_orders(rounds: int):
    from ebakul.employees.models import Employee
    from ebakul.marketplace.models import Listing, Order
    from ebakul.merchants.models import UmkmMerchant

    rng = random.Random(9)
    buyers = list(Employee.objects.filter(nip__in=[]).all()) or list(
        Employee.objects.filter(name__startswith="Pembeli ").select_related("user")
    )
    shops = list(
        UmkmMerchant.objects.filter(nib__startswith=NIB_PREFIX, user__isnull=False).select_related(
            "user"
        )
    )
    page_t, add_t, place_t, accept_t, confirm_t, flow_t = [], [], [], [], [], []
    buyer_client, shop_client = Client(), Client()
    for i in range(rounds):
        buyer = buyers[i % len(buyers)]
        shop = rng.choice(shops)
        buyer_client.force_login(buyer.user)
        t0 = time.perf_counter()
        r = buyer_client.get(reverse("portal:market_merchant", args=[shop.pk]))
        page_t.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.status_code
        item = Listing.objects.filter(merchant=shop, price__isnull=False).first()
        flow0 = time.perf_counter()
        t0 = time.perf_counter()
        buyer_client.post(reverse("portal:market_cart_add", args=[item.pk]), {"quantity": "2"})
        add_t.append(time.perf_counter() - t0)
        cart = Order.objects.filter(employee=buyer, status="cart").latest("pk")
        t0 = time.perf_counter()
        buyer_client.post(
            reverse("portal:market_cart_place", args=[cart.pk]),
            {f"cart{cart.pk}-fulfilment": "pickup"},
        )
        place_t.append(time.perf_counter() - t0)
        shop_client.force_login(shop.user)
        t0 = time.perf_counter()
        shop_client.post(reverse("portal:market_merchant_order_action", args=[cart.pk, "accept"]))
        accept_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        buyer_client.post(reverse("portal:market_order_action", args=[cart.pk, "confirm"]))
        confirm_t.append(time.perf_counter() - t0)
        flow_t.append(time.perf_counter() - flow0)
        cart.refresh_from_db()
        assert cart.status == "completed", cart.status
    summary("merchant page", page_t)
    for name, t in (
        ("add to cart", add_t),
        ("place order", place_t),
        ("merchant accepts", accept_t),
        ("employee confirms (purchase)", confirm_t),
    ):
        summary(name, t)
    summary("order flow, 4 steps in all", flow_t)


def stamp(what: str) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    log(f"{what}: {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average {load}")


def main():
    fresh = "--fresh" in sys.argv
    stamp("start")
    t0 = time.perf_counter()
    build(fresh)
    log(f"data ready in {time.perf_counter() - t0:.0f} s")
    log(f"MariaDB {connection.mysql_server_info if connection.vendor == 'mysql' else '?'}")
    stamp("measuring")
    bench_search(300)
    bench_search(100, sort="rating")
    bench_search_page(100)
    if "--search-only" not in sys.argv:
        bench_pages_and_orders(100)
    stamp("end")


if __name__ == "__main__":
    main()
