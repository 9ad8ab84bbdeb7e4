import pytest
from django.core.management import call_command

from ebakul.marketplace.models import Listing, Order, OrderStatus, Review, SearchLog, Storefront
from ebakul.purchases.models import Purchase

pytestmark = pytest.mark.django_db


def test_demo_seeds_catalogues_orders_in_every_state_and_reviews(ref):
    from ebakul.demo.seeder import mark_demo_database

    mark_demo_database(note="tests/marketplace")
    call_command("seed_demo", employees=30, merchants=10, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Storefront.objects.exists() and Listing.objects.count() >= 6
    states = set(Order.objects.values_list("status", flat=True))
    assert states >= {
        OrderStatus.PLACED,
        OrderStatus.ACCEPTED,
        OrderStatus.DECLINED,
        OrderStatus.COMPLETED,
        OrderStatus.HANDED_OVER,
    }
    done = Order.objects.filter(status=OrderStatus.COMPLETED)
    purchases = Purchase.objects.filter(pk__in=done.values("purchase_id"))
    assert purchases.count() == done.count()
    assert set(purchases.values_list("status", flat=True)) == {"verified"}
    assert all(p.receipt for p in purchases)
    assert Review.objects.exists()
    assert SearchLog.objects.filter(empty_searches__gt=0).exists()
    call_command("seed_demo", reset=True, employees=5, merchants=3, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Order.objects.exclude(
        employee__user__email__endswith="@demo.ebakul.invalid"
    ).exists()
