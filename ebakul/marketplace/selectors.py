"""Reads of the marketplace: search, the merchant page, order lists, and the set-based figures
of demand insights (wired into the reports by the coordinator)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ebakul.accounts import roles
from ebakul.core.periods import WIB, now_wib, period_bounds
from ebakul.merchants.selectors import merchants_selectable

from .models import (
    Listing,
    ListingModeration,
    MerchantPageView,
    Order,
    OrderStatus,
    Review,
    SearchLog,
    SearchSynonym,
)
from .normalise import query_terms

SORTS = ("relevance", "distance", "price", "rating")
# Columns a search result never shows: not read for the page of results.
RESULT_DEFERRED = (
    "description",
    "body_norm",
    "moderation_reason",
    "merchant__owner_nik",
    "merchant__owner_kk",
    "merchant__qris_payload",
    "merchant__status_note",
    "merchant__address",
)
OPEN_ORDER_STATES = (
    OrderStatus.PLACED,
    OrderStatus.ACCEPTED,
    OrderStatus.READY,
    OrderStatus.HANDED_OVER,
)


class MatchAgainst(Func):
    """``MATCH(columns) AGAINST (query IN BOOLEAN MODE)`` of MariaDB (the query a parameter);
    the columns must be exactly those of a FULLTEXT index (migration 0002)."""

    output_field = FloatField()

    def __init__(self, *columns, query: str):
        super().__init__(*columns)
        self.query = query

    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        sql, params = super().as_sql(
            compiler, connection, template="MATCH(%(expressions)s)", arg_joiner=", "
        )
        return f"{sql} AGAINST (%s IN BOOLEAN MODE)", (*params, self.query)


def synonym_map() -> dict[str, str]:
    return dict(SearchSynonym.objects.values_list("term", "canonical"))


def shown_listings() -> QuerySet[Listing]:
    """What employees and the public catalogue see: shown by moderation, of a merchant that is
    verified now (an unverified or suspended merchant's listings never show)."""
    return Listing.objects.filter(
        moderation=ListingModeration.VISIBLE, merchant__in=merchants_selectable()
    )


def _fulltext(qs: QuerySet[Listing], terms: list[str]) -> QuerySet[Listing]:
    if connection.vendor == "mysql":
        boolean = " ".join(f"+{t}*" for t in terms)
        everything = MatchAgainst("name_norm", "body_norm", query=boolean)
        qs = qs.alias(matched=everything).filter(matched__gt=0)
        return qs.annotate(relevance=MatchAgainst("name_norm", query=boolean) * 3 + everything)
    # SQLite (the demo): every term must occur; a term in the name weighs more.
    # Words or their beginnings, like FULLTEXT's ``term*``: at the start or after a space.
    for term in terms:
        qs = qs.filter(
            Q(name_norm__startswith=term)
            | Q(name_norm__contains=f" {term}")
            | Q(body_norm__startswith=term)
            | Q(body_norm__contains=f" {term}")
        )
    score: Any = Value(0, output_field=IntegerField())
    for term in terms:
        score = score + Case(
            When(name_norm__startswith=term, then=Value(4)),
            When(name_norm__contains=f" {term}", then=Value(3)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return qs.annotate(relevance=score)


def search_listings(
    *,
    q: str = "",
    category: str = "",
    kecamatan_id: int | None = None,
    near_kecamatan_id: int | None = None,
    open_now: bool = False,
    price_min: int | None = None,
    price_max: int | None = None,
    delivers: bool = False,
    sort: str = "relevance",
    at: dt.datetime | None = None,
) -> QuerySet[Listing]:
    """Listings matching the words and filters, ordered. ``category`` is a category code;
    ``near_kecamatan_id`` is where the employee works or lives: listings there come first when
    sorted by distance, and the filter keeps merchants there or serving it."""
    qs = shown_listings().filter(available=True)
    terms = query_terms(q, synonym_map()) if q else []
    if terms:
        qs = _fulltext(qs, terms)
    else:
        qs = qs.annotate(relevance=Value(0, output_field=IntegerField()))
    if category:
        qs = qs.filter(category__code=category)
    if kecamatan_id:
        qs = qs.filter(merchant__kecamatan_id=kecamatan_id)
    if near_kecamatan_id and sort != "distance":
        qs = qs.filter(
            Q(merchant__kecamatan_id=near_kecamatan_id)
            | Q(merchant__storefront__area_served=near_kecamatan_id)
        ).distinct()
    if price_min is not None:
        qs = qs.filter(price__gte=price_min)
    if price_max is not None:
        qs = qs.filter(price__lte=price_max)
    if delivers:
        qs = qs.filter(merchant__storefront__offers_delivery=True)
    if open_now:
        now = (at or now_wib()).astimezone(WIB)
        qs = qs.filter(
            merchant__storefront__open_days__contains=str(now.isoweekday()),
            merchant__storefront__opens_at__lte=now.time(),
            merchant__storefront__closes_at__gt=now.time(),
        )
    # The rating is the copy kept on the listing (ADR 0422): no subquery per matched row; the
    # long text columns nobody shows in a result list are not read.
    qs = (
        qs.annotate(rating=F("merchant_rating"))
        .select_related("merchant", "merchant__kecamatan", "category")
        .defer(*RESULT_DEFERRED)
    )
    if sort == "price":
        return qs.order_by(F("price").asc(nulls_last=True), "-relevance", "pk")
    if sort == "rating":
        return qs.order_by(F("rating").desc(nulls_last=True), "-relevance", "pk")
    if sort == "distance" and near_kecamatan_id:
        here = Case(
            When(merchant__kecamatan_id=near_kecamatan_id, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return qs.annotate(distance_rank=here).order_by("distance_rank", "-relevance", "pk")
    return qs.order_by("-relevance", "name", "pk")


def employee_kecamatan_id(employee, where: str = "work") -> int | None:
    """Where "near me" is: the work unit's kecamatan, or the employee's home kecamatan."""
    if employee is None:
        return None
    if where == "home":
        return employee.home_kecamatan_id
    return employee.work_unit.kecamatan_id if employee.work_unit_id else None


def merchant_page(merchant_id: int):
    """A verified merchant with its rating, storefront and shown listings, or None."""
    merchant = (
        merchants_selectable()
        .select_related("kecamatan", "category")
        .filter(pk=merchant_id)
        .annotate(rating_avg=Avg("reviews__rating"), rating_count=Count("reviews"))
        .first()
    )
    if merchant is None:
        return None, []
    listings = list(
        shown_listings()
        .filter(merchant_id=merchant_id)
        .select_related("category")
        .order_by("-available", "name")
    )
    return merchant, listings


def merchant_reviews(merchant_id: int) -> QuerySet[Review]:
    return Review.objects.filter(merchant_id=merchant_id).order_by("-created_at")


def buy_again(employee, limit: int = 6):
    """Merchants of the employee's completed orders that are still verified, latest first."""
    return (
        merchants_selectable()
        .filter(orders__employee=employee, orders__status=OrderStatus.COMPLETED)
        .annotate(last_order=Coalesce("orders__completed_at", "orders__created_at"))
        .order_by("-last_order")
        .distinct()[:limit]
    )


def orders_visible_to(user) -> QuerySet[Order]:
    """Row scoping for orders: an employee sees their own, a merchant its own shops', verifiers
    and administrators all; carts are only their employee's."""
    qs = Order.objects.select_related("merchant", "employee")
    if not user or not user.is_authenticated:
        return qs.none()
    if roles.is_admin_or_verifier(user):
        return qs.exclude(status=OrderStatus.CART)
    mine = Q(employee__user=user)
    if roles.has_role(user, roles.MERCHANT):
        mine |= Q(merchant__user=user) & ~Q(status=OrderStatus.CART)
    return qs.filter(mine)


def merchant_sales(merchant, period: str) -> dict:
    start, end = period_bounds(period)
    return Order.objects.filter(
        merchant=merchant,
        status=OrderStatus.COMPLETED,
        completed_at__gte=start,
        completed_at__lt=end,
    ).aggregate(orders=Count("pk"), total=Coalesce(Sum("total"), 0))


# --- demand insights (set-based; the coordinator wires them into reports) -----------------


def unmet_searches(*, period_from: str, period_to: str, min_searches: int = 1) -> QuerySet:
    """Searches that found nothing or little, by kecamatan and month: rows of period,
    kecamatan name (None when unknown), term, searches, empty, few. Two statements at most."""
    return (
        SearchLog.objects.filter(period__gte=period_from, period__lte=period_to)
        .filter(Q(empty_searches__gt=0) | Q(few_searches__gt=0))
        .values("period", "kecamatan__name", "term")
        .annotate(
            searches=Sum("searches"),
            empty=Sum("empty_searches"),
            few=Sum("few_searches"),
        )
        .filter(searches__gte=min_searches)
        .order_by("period", "kecamatan__name", "-empty", "-searches", "term")
    )


def merchants_viewed_not_ordered(
    *, period: str, min_views: int = 20, max_orders: int = 1
) -> QuerySet:
    """Merchants with many page views and few orders in a month: rows of merchant id, business
    name, kecamatan name, views, orders (placed in the month, whatever became of them)."""
    start, end = period_bounds(period)
    orders = (
        Order.objects.filter(
            merchant_id=OuterRef("merchant_id"), placed_at__gte=start, placed_at__lt=end
        )
        .values("merchant_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        MerchantPageView.objects.filter(
            day__gte=start.astimezone(WIB).date(), day__lt=end.astimezone(WIB).date()
        )
        .values("merchant_id", "merchant__business_name", "merchant__kecamatan__name")
        .annotate(views=Sum("views"), orders=Coalesce(Subquery(orders), 0))
        .filter(views__gte=min_views, orders__lte=max_orders)
        .order_by("-views", "merchant_id")
    )


# --- moderation (the verifiers' desk screens, docs/adr/0420) -----------------------------------

MODERATION_FILTERS = (
    ListingModeration.REVIEW,
    ListingModeration.HIDDEN,
    ListingModeration.VISIBLE,
)


def listings_for_moderation(*, state: str = ListingModeration.REVIEW, q: str = "") -> QuerySet:
    """Listings in one moderation state for the verifiers, whatever their merchant's status:
    the review queue oldest first, the others latest changed first; ``q`` in the listing's or
    the business's name."""
    qs = Listing.objects.filter(moderation=state).select_related(
        "merchant", "merchant__kecamatan", "category"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(merchant__business_name__icontains=q))
    if state == ListingModeration.REVIEW:
        return qs.order_by("updated_at", "pk")
    return qs.order_by("-updated_at", "-pk")


def moderation_waiting() -> int:
    """How many listings the deny list sent to review wait for a verifier."""
    return Listing.objects.filter(moderation=ListingModeration.REVIEW).count()


def reviews_for_moderation(*, hidden: bool = False, q: str = "") -> QuerySet[Review]:
    """Reviews with text, newest first: those still shown (to hide abusive text) or those whose
    text a verifier hid (with the reason)."""
    qs = (
        Review.objects.exclude(text="")
        .filter(text_hidden=hidden)
        .select_related("merchant", "order", "order__employee")
    )
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(merchant__business_name__icontains=q))
    return qs.order_by("-created_at", "-pk")
