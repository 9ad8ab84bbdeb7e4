import datetime as dt

import pytest
from django.utils import timezone

from ebakul.compliance.models import Period, PeriodStatus
from ebakul.compliance.selectors import employee_progress, period_get_or_create
from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.core.models import Notification
from ebakul.core.periods import current_period
from ebakul.marketplace import services as s
from ebakul.marketplace.models import Order, OrderStatus
from ebakul.marketplace.selectors import buy_again, merchant_sales, orders_visible_to
from ebakul.purchases.models import Purchase
from tests.clock import travel
from tests.factories import EmployeeFactory, UserFactory

from .conftest import listing

pytestmark = pytest.mark.django_db


def _placed(world, *, item=None, qty=2, **kwargs):
    item = item or listing(world)
    cart = s.cart_add(employee=world.buyer, listing=item, quantity=qty, actor=world.buyer_user)
    return s.order_place(order=cart, actor=world.buyer_user, **kwargs)


def _unchanged(order, status):
    order.refresh_from_db()
    assert order.status == status


def test_order_completes_into_a_verified_purchase(world, django_capture_on_commit_callbacks):
    period = current_period()
    before = employee_progress(employee=world.buyer, period=period)["verified"]
    with django_capture_on_commit_callbacks(execute=True):
        order = _placed(world, note="tanpa sambal")
    assert (order.status, order.total) == (OrderStatus.PLACED, 30_000)
    assert order.number.startswith(f"EBK-ORD-{period}-")
    assert Notification.objects.filter(user=world.seller_user).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        s.order_accept(order=order, actor=world.seller_user)
        s.order_mark_ready(order=order, actor=world.seller_user)
        done = s.order_confirm_receipt(order=order, actor=world.buyer_user)
    assert done.status == OrderStatus.COMPLETED
    purchase = Purchase.objects.get(pk=done.purchase_id)
    assert purchase.status == "verified"
    assert (purchase.amount, purchase.employee, purchase.merchant) == (
        30_000,
        world.buyer,
        world.shop,
    )
    assert "2 pcs Nasi goreng ayam" in purchase.description and order.number in purchase.description
    assert purchase.period == period
    after = employee_progress(employee=world.buyer, period=period)["verified"]
    assert after == before + 30_000
    assert Notification.objects.filter(user=world.buyer_user).count() == 3
    statuses = list(done.history.order_by("history_id").values_list("status", flat=True))
    assert statuses[-4:] == ["placed", "accepted", "ready", "completed"]
    assert merchant_sales(world.shop, period) == {"orders": 1, "total": 30_000}
    assert list(buy_again(world.buyer)) == [world.shop]


def test_decline_needs_a_reason_and_the_employee_sees_it(world, django_capture_on_commit_callbacks):
    order = _placed(world)
    with pytest.raises(DomainError):
        s.order_decline(order=order, actor=world.seller_user, reason=" ")
    _unchanged(order, OrderStatus.PLACED)
    with django_capture_on_commit_callbacks(execute=True):
        s.order_decline(order=order, actor=world.seller_user, reason="Bahan habis")
    _unchanged(order, OrderStatus.DECLINED)
    note = Notification.objects.get(user=world.buyer_user)
    assert "Bahan habis" in note.body
    assert not Purchase.objects.exists()


def test_only_the_parties_move_an_order(world):
    order = _placed(world)
    for actor in (world.seller2_user, world.buyer_user, world.verifier):
        with pytest.raises(PermissionDeniedError):
            s.order_accept(order=order, actor=actor)
    _unchanged(order, OrderStatus.PLACED)
    s.order_accept(order=order, actor=world.seller_user)
    for actor in (world.seller_user, world.seller2_user):
        with pytest.raises(PermissionDeniedError):
            s.order_confirm_receipt(order=order, actor=actor)
    _unchanged(order, OrderStatus.ACCEPTED)
    stranger = EmployeeFactory(user=UserFactory(username="pegawai-lain"))
    cart = s.cart_add(
        employee=stranger, listing=listing(world, name="Es teh"), quantity=1, actor=stranger.user
    )
    with pytest.raises(PermissionDeniedError):
        s.order_place(order=cart, actor=world.buyer_user)
    _unchanged(cart, OrderStatus.CART)


def test_order_scoping(world):
    order = _placed(world)
    assert list(orders_visible_to(world.buyer_user)) == [order]
    assert list(orders_visible_to(world.seller_user)) == [order]
    assert list(orders_visible_to(world.seller2_user)) == []
    assert list(orders_visible_to(world.verifier)) == [order]


def test_hand_over_then_48_hours_complete_it(world):
    order = _placed(world)
    s.order_accept(order=order, actor=world.seller_user)
    s.order_hand_over(order=order, actor=world.seller_user)
    assert s.orders_time_out(now=timezone.now() + dt.timedelta(hours=47)) == {
        "expired": 0,
        "completed": 0,
        "failed": 0,
    }
    _unchanged(order, OrderStatus.HANDED_OVER)
    assert s.orders_time_out(now=timezone.now() + dt.timedelta(hours=49))["completed"] == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.purchase_id
    assert Purchase.objects.get(pk=order.purchase_id).status == "verified"


def test_objection_within_48_hours_stops_the_completion(world):
    order = _placed(world)
    s.order_accept(order=order, actor=world.seller_user)
    s.order_hand_over(order=order, actor=world.seller_user)
    with pytest.raises(DomainError):
        s.order_object(order=order, actor=world.buyer_user, reason="")
    s.order_object(order=order, actor=world.buyer_user, reason="Belum saya terima")
    order.refresh_from_db()
    assert (order.status, order.objection) == (OrderStatus.READY, "Belum saya terima")
    assert s.orders_time_out(now=timezone.now() + dt.timedelta(hours=72))["completed"] == 0
    s.order_hand_over(order=order, actor=world.seller_user)
    with travel(timezone.now() + dt.timedelta(hours=49)), pytest.raises(ConflictError):
        s.order_object(order=order, actor=world.buyer_user, reason="Terlambat")
    _unchanged(order, OrderStatus.HANDED_OVER)


def test_unanswered_orders_expire(world):
    order = _placed(world)
    assert s.orders_time_out(now=timezone.now() + dt.timedelta(hours=25))["expired"] == 1
    _unchanged(order, OrderStatus.EXPIRED)
    with pytest.raises(ConflictError):
        s.order_accept(order=order, actor=world.seller_user)


def test_price_on_request_is_set_when_accepting(world):
    item = listing(world, name="Katering tumpeng", price=None)
    order = _placed(world, item=item, qty=1)
    assert order.total == 0
    with pytest.raises(DomainError):
        s.order_accept(order=order, actor=world.seller_user)
    _unchanged(order, OrderStatus.PLACED)
    line = order.lines.get()
    s.order_accept(order=order, actor=world.seller_user, prices={line.pk: 350_000})
    order.refresh_from_db()
    assert order.total == 350_000


def test_stock_goes_down_on_accept_and_back_on_merchant_cancel(world):
    item = listing(world, stock=3)
    with pytest.raises(ConflictError):
        s.cart_add(employee=world.buyer, listing=item, quantity=4, actor=world.buyer_user)
    order = _placed(world, item=item, qty=2)
    s.order_accept(order=order, actor=world.seller_user)
    item.refresh_from_db()
    assert item.stock == 1
    with pytest.raises(ConflictError):  # the employee cannot cancel an accepted order
        s.order_cancel(order=order, actor=world.buyer_user)
    with pytest.raises(DomainError):  # the merchant must say why
        s.order_cancel(order=order, actor=world.seller_user, reason="")
    _unchanged(order, OrderStatus.ACCEPTED)
    s.order_cancel(order=order, actor=world.seller_user, reason="Kompor rusak")
    item.refresh_from_db()
    assert item.stock == 3
    _unchanged(order, OrderStatus.CANCELLED)


def test_employee_cancels_before_acceptance(world):
    order = _placed(world)
    s.order_cancel(order=order, actor=world.buyer_user)
    _unchanged(order, OrderStatus.CANCELLED)


def test_delivery_only_when_offered(world):
    item = listing(world)
    cart = s.cart_add(employee=world.buyer, listing=item, quantity=1, actor=world.buyer_user)
    with pytest.raises(DomainError):
        s.order_place(order=cart, actor=world.buyer_user, fulfilment="delivery")
    _unchanged(cart, OrderStatus.CART)
    s.storefront_save(merchant=world.shop, actor=world.seller_user, offers_delivery=True)
    assert s.order_place(order=cart, actor=world.buyer_user, fulfilment="delivery").placed_at


def test_cannot_order_from_own_business(world):
    world.buyer.user = world.seller_user
    world.buyer.save()
    item = listing(world)
    with pytest.raises(PermissionDeniedError):
        s.cart_add(employee=world.buyer, listing=item, quantity=1, actor=world.seller_user)
    assert not Order.objects.exists()


def test_hidden_listing_cannot_be_ordered(world):
    item = listing(world)
    cart = s.cart_add(employee=world.buyer, listing=item, quantity=1, actor=world.buyer_user)
    s.listing_moderate(listing=item, actor=world.verifier, show=False, reason="Bukan produk lokal")
    with pytest.raises(ConflictError):
        s.order_place(order=cart, actor=world.buyer_user)
    _unchanged(cart, OrderStatus.CART)


def test_a_locked_period_takes_no_orders(world):
    period = current_period()
    period_get_or_create(period)
    Period.objects.filter(period=period).update(status=PeriodStatus.LOCKED)
    item = listing(world)
    cart = s.cart_add(employee=world.buyer, listing=item, quantity=1, actor=world.buyer_user)
    with pytest.raises(ConflictError):
        s.order_place(order=cart, actor=world.buyer_user)
    _unchanged(cart, OrderStatus.CART)
    assert cart.number == ""
