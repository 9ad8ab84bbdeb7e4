"""The marketplace pages (issue 17): employees search, order and review; merchants keep their
catalogue and storefront and answer orders. Thin: parse, call a marketplace service, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ebakul.core.errors import DomainError
from ebakul.core.periods import current_period
from ebakul.marketplace import selectors as market
from ebakul.marketplace import services
from ebakul.marketplace.models import Listing, Order, OrderStatus, Review, Storefront
from ebakul.marketplace.normalise import tokens
from ebakul.merchants.selectors import merchants_visible_to

from .access import employee_required, merchant_required
from .forms_market import (
    CatalogueSearchForm,
    ListingForm,
    PlaceOrderForm,
    ReasonForm,
    ReviewForm,
    StorefrontForm,
)

PAGE_SIZE = 20
MSG_ADDED = _("%(name)s is in your cart.")
MSG_PLACED = _("Order %(number)s was sent to the merchant.")
MSG_DONE = _("Done.")
MSG_SAVED = _("Saved.")
MSG_NO_SHOP = _("Register your business first.")

EMPLOYEE_ACTIONS = ("confirm", "object", "cancel", "review")
MERCHANT_ACTIONS = ("accept", "decline", "ready", "hand_over", "cancel", "reply")


def _error(request, exc) -> None:
    if isinstance(exc, DomainError):
        messages.error(request, str(exc.message))
    else:
        messages.error(request, "; ".join(str(m) for m in exc.messages))


# --- employee ----------------------------------------------------------------------------------


@employee_required
def search(request):
    form = CatalogueSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    employee = request.employee
    near_id = market.employee_kecamatan_id(employee, data.get("near") or "work")
    sort = data.get("sort") or "relevance"
    q = (data.get("q") or "").strip()
    qs = market.search_listings(
        q=q,
        category=data["category"].code if data.get("category") else "",
        kecamatan_id=data["kecamatan"].pk if data.get("kecamatan") else None,
        near_kecamatan_id=near_id if (data.get("near") or sort == "distance") else None,
        open_now=bool(data.get("open_now")),
        price_min=data.get("price_min"),
        price_max=data.get("price_max"),
        delivers=bool(data.get("delivers")),
        sort=sort,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if q and not request.GET.get("page"):
        where = data["kecamatan"].pk if data.get("kecamatan") else near_id
        services.search_logged(
            term=" ".join(tokens(q, market.synonym_map())),
            kecamatan_id=where,
            results=page.paginator.count,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/market/search.html",
        {
            "form": form,
            "page": page,
            "searched": bool(request.GET),
            "query": query.urlencode(),
            "again": market.buy_again(employee),
        },
    )


@employee_required
def merchant_page(request, pk: int):
    merchant, listings = market.merchant_page(pk)
    if merchant is None:
        raise Http404
    services.merchant_page_viewed(merchant_id=merchant.pk)
    front = Storefront.objects.filter(merchant=merchant).prefetch_related("area_served").first()
    point = None
    if merchant.latitude is not None and merchant.longitude is not None:
        point = {
            "lat": float(merchant.latitude),
            "lng": float(merchant.longitude),
            "name": merchant.business_name,
            "tiles": getattr(settings, "EBAKUL_MAP_TILES_URL", ""),
        }
    return render(
        request,
        "portal/market/merchant.html",
        {
            "merchant": merchant,
            "listings": listings,
            "front": front,
            "point": point,
            "reviews": market.merchant_reviews(merchant.pk)[:10],
        },
    )


@employee_required
@require_POST
def cart_add(request, pk: int):
    listing = get_object_or_404(market.shown_listings(), pk=pk)
    try:
        quantity = int(request.POST.get("quantity", "1"))
    except ValueError:
        quantity = -1
    try:
        services.cart_add(
            employee=request.employee, listing=listing, quantity=quantity, actor=request.user
        )
    except (DomainError, ValidationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, MSG_ADDED % {"name": listing.name})
    return redirect("portal:market_merchant", pk=listing.merchant_id)


@employee_required
def cart(request):
    carts = (
        Order.objects.filter(employee=request.employee, status=OrderStatus.CART)
        .select_related("merchant", "merchant__storefront")
        .prefetch_related("lines")
    )
    carts = [c for c in carts if c.lines.all()]
    for c in carts:  # one form per cart, each with its own ids
        c.form = PlaceOrderForm(prefix=f"cart{c.pk}", initial={"fulfilment": "pickup"})
    return render(request, "portal/market/cart.html", {"carts": carts})


@employee_required
@require_POST
def cart_place(request, pk: int):
    order = get_object_or_404(Order, pk=pk, employee=request.employee, status=OrderStatus.CART)
    form = PlaceOrderForm(request.POST, prefix=f"cart{order.pk}")
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("portal:market_cart")
    try:
        placed = services.order_place(
            order=order,
            actor=request.user,
            fulfilment=form.cleaned_data["fulfilment"],
            note=form.cleaned_data["note"],
        )
    except (DomainError, ValidationError) as exc:
        _error(request, exc)
        return redirect("portal:market_cart")
    messages.success(request, MSG_PLACED % {"number": placed.number})
    return redirect("portal:market_order", pk=placed.pk)


def _employee_orders(request):
    return (
        Order.objects.filter(employee=request.employee)
        .exclude(status=OrderStatus.CART)
        .select_related("merchant")
    )


@employee_required
def orders(request):
    page = Paginator(_employee_orders(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/market/orders.html", {"page": page, "side": "employee"})


@employee_required
def order_detail(request, pk: int):
    order = get_object_or_404(_employee_orders(request), pk=pk)
    review = Review.objects.filter(order=order).first()
    return render(
        request,
        "portal/market/order.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "review": review,
            "side": "employee",
            "review_form": ReviewForm(),
        },
    )


@employee_required
@require_POST
def order_action(request, pk: int, action: str):
    if action not in EMPLOYEE_ACTIONS:
        raise PermissionDenied
    order = get_object_or_404(_employee_orders(request), pk=pk)
    reason = ReasonForm(request.POST)
    reason.is_valid()
    text = reason.cleaned_data.get("reason", "")
    try:
        if action == "confirm":
            services.order_confirm_receipt(order=order, actor=request.user)
        elif action == "object":
            services.order_object(order=order, actor=request.user, reason=text)
        elif action == "cancel":
            services.order_cancel(order=order, actor=request.user, reason=text)
        else:
            form = ReviewForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [e for errs in form.errors.values() for e in errs]  # type: ignore[misc]
                )
            services.review_create(
                order=order,
                actor=request.user,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
    except (DomainError, ValidationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, MSG_DONE)
    return redirect("portal:market_order", pk=order.pk)


# --- merchant ----------------------------------------------------------------------------------


def _shop(request):
    merchant = merchants_visible_to(request.user).order_by("pk").first()
    if merchant is None:
        messages.info(request, MSG_NO_SHOP)
    return merchant


@merchant_required
def catalogue(request):
    merchant = _shop(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    listings = Listing.objects.filter(merchant=merchant).select_related("category")
    sales = market.merchant_sales(merchant, current_period())
    return render(
        request,
        "portal/market/catalogue.html",
        {"merchant": merchant, "listings": listings, "sales": sales},
    )


@merchant_required
@require_http_methods(["GET", "POST"])
def listing_edit(request, pk: int | None = None):
    merchant = _shop(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    listing = get_object_or_404(Listing, pk=pk, merchant=merchant) if pk else None
    initial = {}
    if listing is not None:
        initial = {
            "kind": listing.kind,
            "name": listing.name,
            "description": listing.description,
            "price": listing.price,
            "unit": listing.unit,
            "category": listing.category_id,
            "available": listing.available,
            "stock": listing.stock,
        }
    else:
        initial = {"category": merchant.category_id, "available": True, "unit": "pcs"}
    form = ListingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.listing_save(
                merchant=merchant,
                actor=request.user,
                listing=listing,
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                price=data["price"],
                unit=data["unit"],
                category=data["category"],
                available=data["available"],
                stock=data["stock"],
                photo=data.get("photo"),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, MSG_SAVED)
            return redirect("portal:market_catalogue")
    return render(request, "portal/market/listing_form.html", {"form": form, "listing": listing})


@merchant_required
@require_http_methods(["GET", "POST"])
def storefront(request):
    merchant = _shop(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    front = Storefront.objects.filter(merchant=merchant).first()
    initial = {"open_days": list("1234567"), "offers_pickup": True}
    if front is not None:
        initial = {
            "opens_at": front.opens_at,
            "closes_at": front.closes_at,
            "open_days": list(front.open_days),
            "offers_pickup": front.offers_pickup,
            "offers_delivery": front.offers_delivery,
            "area_served": list(front.area_served.all()),
        }
    form = StorefrontForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.storefront_save(
                merchant=merchant,
                actor=request.user,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                open_days="".join(data["open_days"]),
                offers_pickup=data["offers_pickup"],
                offers_delivery=data["offers_delivery"],
                area_served=data["area_served"],
            )
        except (DomainError, ValidationError) as exc:
            _error(request, exc)
        else:
            messages.success(request, MSG_SAVED)
            return redirect("portal:market_catalogue")
    return render(request, "portal/market/storefront.html", {"form": form})


def _merchant_orders(request):
    return (
        Order.objects.filter(merchant__in=merchants_visible_to(request.user))
        .exclude(status=OrderStatus.CART)
        .select_related("merchant", "employee")
    )


@merchant_required
def merchant_orders(request):
    page = Paginator(_merchant_orders(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/market/orders.html", {"page": page, "side": "merchant"})


@merchant_required
def merchant_order(request, pk: int):
    order = get_object_or_404(_merchant_orders(request), pk=pk)
    return render(
        request,
        "portal/market/order.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "review": Review.objects.filter(order=order).first(),
            "side": "merchant",
        },
    )


@merchant_required
@require_POST
def merchant_order_action(request, pk: int, action: str):
    if action not in MERCHANT_ACTIONS:
        raise PermissionDenied
    order = get_object_or_404(_merchant_orders(request), pk=pk)
    reason = ReasonForm(request.POST)
    reason.is_valid()
    text = reason.cleaned_data.get("reason", "")
    try:
        if action == "accept":
            prices = {}
            for line in order.lines.filter(unit_price__isnull=True):
                raw = request.POST.get(f"price-{line.pk}", "").replace(".", "").strip()
                if raw.isdigit():
                    prices[line.pk] = int(raw)
            services.order_accept(order=order, actor=request.user, prices=prices)
        elif action == "decline":
            services.order_decline(order=order, actor=request.user, reason=text)
        elif action == "ready":
            services.order_mark_ready(order=order, actor=request.user)
        elif action == "hand_over":
            services.order_hand_over(order=order, actor=request.user)
        elif action == "cancel":
            services.order_cancel(order=order, actor=request.user, reason=text)
        else:
            review = get_object_or_404(Review, order=order)
            services.review_reply(review=review, actor=request.user, text=text)
    except (DomainError, ValidationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, MSG_DONE)
    return redirect(reverse("portal:market_merchant_order", kwargs={"pk": order.pk}))
