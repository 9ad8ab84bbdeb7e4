"""Writes of the marketplace: catalogue, storefront, search counters, orders and reviews.

Every state change is one service: atomic, validated before anything is written (a refusal
changes nothing), history written with the actor, notifications after commit. The order's
states and who may move them are in ``ORDER_MOVES`` (docs/adr/0402)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.accounts import roles
from ebakul.core.dispatch import dispatch
from ebakul.core.errors import ConflictError, DomainError, PermissionDeniedError
from ebakul.core.history import set_history_user
from ebakul.core.models import next_document_number
from ebakul.core.periods import WIB, period_of
from ebakul.core.services import notify
from ebakul.merchants.selectors import chain_match, merchants_selectable
from ebakul.workflow.models import ReasonKind, RefusalReason

from . import hooks
from .models import (
    Fulfilment,
    Listing,
    ListingKind,
    ListingModeration,
    MerchantPageView,
    Order,
    OrderLine,
    OrderStatus,
    Review,
    SearchLog,
    SearchSynonym,
    Storefront,
)
from .normalise import normalise, normalise_synonym_key, tokens
from .photos import clean_photo
from .selectors import shown_listings, synonym_map

MSG_NOT_YOUR_SHOP = _("Only the merchant's own account may change its catalogue.")
MSG_SHOP_NOT_VERIFIED = _("Only a verified merchant can sell in the marketplace.")
MSG_NAME_REQUIRED = _("Give the product or service a name.")
MSG_DENY_LIST = _("The listing mentions an excluded chain (%(name)s) and waits for review.")
MSG_REASON_REQUIRED = _("Write the reason; the merchant sees it.")
MSG_NOT_A_VERIFIER = _("Only a verifier or an administrator may do this.")
MSG_LISTING_NOT_SHOWN = _("This product is not offered right now.")
MSG_OUT_OF_STOCK = _("Only %(stock)s left in stock.")
MSG_OWN_SHOP = _("You cannot order from your own business.")
MSG_NOT_YOUR_ORDER = _("This order is not yours.")
MSG_ORDER_STATE = _("This order cannot do that in its current state.")
MSG_EMPTY_CART = _("The cart is empty.")
MSG_NO_DELIVERY = _("This merchant does not deliver; choose pickup.")
MSG_NO_PICKUP = _("This merchant only delivers; choose delivery.")
MSG_PRICE_NEEDED = _("Set the price of every item whose price is on request.")
MSG_OBJECTION_LATE = _("The 48 hours to object have passed.")
MSG_REVIEW_TWICE = _("This order already has a review.")
MSG_REVIEW_NOT_COMPLETED = _("Only a completed order can be reviewed.")
MSG_QUANTITY = _("The quantity must be between 1 and 999.")
MSG_REASON_NOT_OFFERED = _("The chosen reason is not offered for this decision.")
MSG_OWN_LISTING = _("You cannot moderate a listing of your own business.")
MSG_OWN_REVIEW = _("You cannot moderate a review you wrote or a review of your own business.")
MSG_SYNONYM_EMPTY = _("Write the word and what it is searched as.")
MSG_SYNONYM_ONE_WORD = _("The word must be a single word (e.g. nasgor).")
MSG_ALREADY_HIDDEN = _("The text of this review is already hidden.")

OBJECTION_WINDOW = dt.timedelta(hours=48)
ACCEPT_WINDOW = dt.timedelta(hours=24)
FULFIL_WINDOW = dt.timedelta(days=7)
FEW_RESULTS = 3


# --- who ---------------------------------------------------------------------------------------


def _owns(merchant, actor) -> bool:
    return actor is not None and merchant.user_id is not None and merchant.user_id == actor.pk


def _check_merchant_actor(merchant, actor) -> None:
    """``actor`` None is the system (the catalogue import, a task)."""
    if actor is not None and not _owns(merchant, actor):
        raise PermissionDeniedError(MSG_NOT_YOUR_SHOP, code="not_your_shop")


def _check_verified(merchant) -> None:
    if not merchants_selectable().filter(pk=merchant.pk).exists():
        raise ConflictError(MSG_SHOP_NOT_VERIFIED, code="merchant_not_verified")


def _check_moderator(actor) -> None:
    if not roles.is_admin_or_verifier(actor):
        raise PermissionDeniedError(MSG_NOT_A_VERIFIER, code="not_verifier")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(MSG_REASON_REQUIRED, code="reason_required", field="reason")
    return reason


def _common_reason(kind: str, choice) -> RefusalReason | None:
    """A reason of the administrators' list (``RefusalReason`` or its id) of ``kind``, active."""
    if choice in (None, ""):
        return None
    if not isinstance(choice, RefusalReason):
        choice = RefusalReason.objects.filter(pk=choice if str(choice).isdigit() else 0).first()
    if choice is None or not choice.active or choice.kind != kind:
        raise DomainError(MSG_REASON_NOT_OFFERED, code="reason_invalid", field="reason")
    return choice


def _moderation_reason(kind: str, choice, comment: str) -> str:
    """What the merchant (or the reviewer) reads: the chosen common reason, then the free text;
    one of the two is required."""
    chosen = _common_reason(kind, choice)
    comment = (comment or "").strip()
    if chosen is None:
        return _reason(comment)
    return f"{chosen.label}: {comment}" if comment else chosen.label


# --- catalogue ---------------------------------------------------------------------------------


def synonyms() -> dict[str, str]:
    return synonym_map()


def index_listing(listing: Listing, syn: dict[str, str] | None = None) -> None:
    """Fill the normalised search columns (not saved here)."""
    syn = synonyms() if syn is None else syn
    merchant = listing.merchant
    listing.name_norm = normalise(listing.name, syn)[:255]
    listing.body_norm = normalise(
        " ".join(
            [
                listing.description,
                merchant.business_name,
                str(listing.category.name) if listing.category_id else "",
                str(merchant.kecamatan.name) if merchant.kecamatan_id else "",
            ]
        ),
        syn,
    )


# --- search synonyms (docs/adr/0421) ------------------------------------------------------------

REINDEX_BATCH = 500


def _padded(words: list[str]) -> list[str]:
    return normalise(" ".join(words)).split()


def _affected(term: str, canonical: str) -> list[list[str]]:
    """The word groups whose listings a synonym touches, as they read in the search columns:
    the term itself (listings indexed before the synonym existed) and the canonical words
    (listings indexed with the synonym expanded). Each group: padded words that all occur."""
    groups = [_padded([term])] if term else []
    if canonical:
        groups.append(_padded(canonical.split()))
    return [g for g in groups if g]


def _reindex_after_commit(groups: list[list[str]]) -> None:
    if groups:
        from . import tasks  # tasks import services: imported here, not at the top

        dispatch(tasks.reindex_synonym_listings, groups)


@transaction.atomic
def synonym_save(*, synonym: SearchSynonym, actor) -> SearchSynonym:
    """Create or change a synonym / spelling variant (the administrators' desk); after commit a
    task rebuilds the search text of the listings the old and the new entry touch, so search
    finds them without a manual command."""
    term = normalise_synonym_key(synonym.term or "")
    canonical = " ".join(tokens(synonym.canonical or ""))
    if not term or not canonical:
        raise DomainError(MSG_SYNONYM_EMPTY, code="synonym_empty", field="term")
    if " " in term:
        raise DomainError(MSG_SYNONYM_ONE_WORD, code="synonym_one_word", field="term")
    before = (
        SearchSynonym.objects.select_for_update()
        .filter(pk=synonym.pk)
        .values_list("term", "canonical")
        .first()
        if synonym.pk
        else None
    )
    synonym.term, synonym.canonical = term, canonical
    synonym.full_clean()
    set_history_user(synonym, actor)
    synonym.save()
    groups = _affected(term, canonical)
    if before is not None and before != (term, canonical):
        groups += _affected(*before)
    if before is None or before != (term, canonical):
        _reindex_after_commit(groups)
    return synonym


@transaction.atomic
def synonym_delete(*, synonym: SearchSynonym, actor) -> None:
    groups = _affected(synonym.term, synonym.canonical)
    set_history_user(synonym, actor)
    synonym.delete()
    _reindex_after_commit(groups)


def reindex_listings(groups: list[list[str]]) -> int:
    """Rebuild the search columns of the listings whose search text holds every word of one of
    ``groups`` (with today's synonyms); only rows whose text changes are written. Idempotent:
    a second run finds nothing to change. Returns how many listings changed."""
    match = Q()
    for words in groups:
        every = Q()
        for word in words:
            every &= Q(name_norm__contains=word) | Q(body_norm__contains=word)
        match |= every
    if not match:
        return 0
    syn = synonyms()
    ids = list(Listing.objects.filter(match).order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), REINDEX_BATCH):
        rows = Listing.objects.filter(pk__in=ids[start : start + REINDEX_BATCH]).select_related(
            "merchant", "merchant__kecamatan", "category"
        )
        dirty = []
        for listing in rows:
            before = (listing.name_norm, listing.body_norm)
            index_listing(listing, syn)
            if (listing.name_norm, listing.body_norm) != before:
                dirty.append(listing)
        Listing.objects.bulk_update(dirty, ["name_norm", "body_norm"])
        changed += len(dirty)
    return changed


@transaction.atomic
def listing_save(
    *,
    merchant,
    actor,
    name: str,
    category,
    listing: Listing | None = None,
    description: str = "",
    price: int | None = None,
    unit: str = "pcs",
    available: bool = True,
    stock: int | None = None,
    kind: str = ListingKind.PRODUCT,
    photo=None,
) -> Listing:
    """Create or change a listing of a verified merchant (the portal and the import use this).
    A name or description with a word of the chain deny list sends it to review; a listing a
    verifier hid stays hidden when the merchant edits it."""
    _check_merchant_actor(merchant, actor)
    _check_verified(merchant)
    name = (name or "").strip()
    if not name:
        raise DomainError(MSG_NAME_REQUIRED, code="name_required", field="name")
    if photo:
        try:
            photo = clean_photo(photo)
        except ValidationError as exc:
            raise ValidationError({"photo": exc.error_list}) from exc
    if listing is None:
        listing = Listing(merchant=merchant)
    elif listing.merchant_id != merchant.pk:
        raise PermissionDeniedError(MSG_NOT_YOUR_SHOP, code="not_your_shop")
    listing.name = name
    listing.kind = kind
    listing.description = (description or "").strip()
    listing.price = price
    listing.unit = (unit or "pcs").strip()
    listing.category = category
    listing.available = available
    listing.stock = stock
    if photo:
        listing.photo = photo
    entry = chain_match(f"{name} {listing.description}")
    if entry is not None and listing.moderation != ListingModeration.HIDDEN:
        listing.moderation = ListingModeration.REVIEW
        listing.moderation_reason = str(MSG_DENY_LIST % {"name": entry.name})
    index_listing(listing)
    if listing.pk is None:
        listing.merchant_rating = _merchant_rating(merchant.pk)
    listing.full_clean()
    set_history_user(listing, actor)
    listing.save()
    return listing


def _merchant_rating(merchant_id: int) -> float | None:
    return Review.objects.filter(merchant_id=merchant_id).aggregate(avg=Avg("rating"))["avg"]


def merchant_rating_refresh(merchant_id: int) -> None:
    """Copy the merchant's average rating onto its listings (ADR 0422); after every review."""
    Listing.objects.filter(merchant_id=merchant_id).update(
        merchant_rating=_merchant_rating(merchant_id)
    )


@transaction.atomic
def listing_moderate(
    *, listing: Listing, actor, show: bool, reason: str = "", common_reason=None
) -> Listing:
    """A verifier shows a listing (approves one waiting for review, or un-hides it) or hides it
    with a reason the merchant sees: a common reason of the administrators' list
    (``ReasonKind.LISTING_HIDE``) and/or free text. Nobody moderates their own business's
    listing. Everything is checked before anything is written."""
    _check_moderator(actor)
    current = (
        Listing.objects.select_for_update().select_related("merchant__user").get(pk=listing.pk)
    )
    if _owns(current.merchant, actor):
        raise PermissionDeniedError(MSG_OWN_LISTING, code="concerns_self")
    if show:
        current.moderation = ListingModeration.VISIBLE
        current.moderation_reason = (reason or "").strip()
    else:
        current.moderation = ListingModeration.HIDDEN
        current.moderation_reason = _moderation_reason(
            ReasonKind.LISTING_HIDE, common_reason, reason
        )
    set_history_user(current, actor)
    current.save(update_fields=["moderation", "moderation_reason", "updated_at"])
    if current.merchant.user_id:
        title = _("A listing was hidden") if not show else _("A listing is shown again")
        body = f"{current.name}: {current.moderation_reason}" if not show else current.name
        notify(user=current.merchant.user, title=str(title), body=body, kind="marketplace")
    return current


@transaction.atomic
def storefront_save(
    *,
    merchant,
    actor,
    opens_at=None,
    closes_at=None,
    open_days: str = "1234567",
    offers_pickup: bool = True,
    offers_delivery: bool = False,
    area_served=(),
) -> Storefront:
    _check_merchant_actor(merchant, actor)
    front, _created = Storefront.objects.get_or_create(merchant=merchant)
    front.opens_at = opens_at
    front.closes_at = closes_at
    front.open_days = "".join(sorted(set(open_days or "") & set("1234567")))
    front.offers_pickup = offers_pickup
    front.offers_delivery = offers_delivery
    if not (offers_pickup or offers_delivery):
        raise DomainError(MSG_NO_PICKUP, code="no_fulfilment", field="offers_pickup")
    front.full_clean()
    set_history_user(front, actor)
    front.save()
    front.area_served.set(area_served)
    return front


# --- counters (no person is recorded) --------------------------------------------------------


def _bump(model, keys: dict, **increments) -> None:
    updates = {name: F(name) + value for name, value in increments.items()}
    if model.objects.filter(**keys).update(**updates):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **increments)
    except IntegrityError:  # created by someone else meanwhile
        model.objects.filter(**keys).update(**updates)


def search_logged(*, term: str, kecamatan_id: int | None, results: int, at=None) -> None:
    """Count a search under its normalised term, kecamatan and month; never who searched."""
    term = (term or "").strip()[:120]
    if not term:
        return
    _bump(
        SearchLog,
        {"period": period_of(at or timezone.now()), "kecamatan_id": kecamatan_id, "term": term},
        searches=1,
        empty_searches=int(results == 0),
        few_searches=int(0 < results < FEW_RESULTS),
    )


def merchant_page_viewed(*, merchant_id: int, at=None) -> None:
    day = (at or timezone.now()).astimezone(WIB).date()
    _bump(MerchantPageView, {"merchant_id": merchant_id, "day": day}, views=1)


# --- orders ------------------------------------------------------------------------------------


def _employee_user(order: Order):
    return order.employee.user


def _check_employee(order: Order, actor) -> None:
    if actor is None or order.employee.user_id != actor.pk:
        raise PermissionDeniedError(MSG_NOT_YOUR_ORDER, code="not_your_order")


def _check_merchant(order: Order, actor) -> None:
    if not _owns(order.merchant, actor):
        raise PermissionDeniedError(MSG_NOT_YOUR_ORDER, code="not_your_order")


def _locked(order: Order, *states: str) -> Order:
    current = (
        Order.objects.select_for_update()
        .select_related("employee", "merchant", "employee__user", "merchant__user")
        .get(pk=order.pk)
    )
    if states and current.status not in states:
        raise ConflictError(MSG_ORDER_STATE, code="order_state")
    return current


def _save(order: Order, actor, **fields) -> Order:
    for name, value in fields.items():
        setattr(order, name, value)
    set_history_user(order, actor)
    order.save()
    return order


def _tell(user, title, order: Order, body: str = "") -> None:
    if user is not None:
        notify(user=user, title=str(title), body=f"{order.number} {body}".strip(), kind="order")


@transaction.atomic
def cart_add(*, employee, listing: Listing, quantity: int, actor) -> Order:
    """Put ``quantity`` of a listing in the employee's cart with that merchant (one cart per
    merchant); quantity 0 removes the line."""
    if actor is None or employee.user_id != actor.pk:
        raise PermissionDeniedError(MSG_NOT_YOUR_ORDER, code="not_your_order")
    if not 0 <= quantity <= 999:
        raise DomainError(MSG_QUANTITY, code="quantity", field="quantity")
    if not shown_listings().filter(pk=listing.pk, available=True).exists():
        raise ConflictError(MSG_LISTING_NOT_SHOWN, code="listing_not_shown")
    if listing.merchant.user_id and listing.merchant.user_id == employee.user_id:
        raise PermissionDeniedError(MSG_OWN_SHOP, code="concerns_self")
    if listing.stock is not None and quantity > listing.stock:
        raise ConflictError(MSG_OUT_OF_STOCK % {"stock": listing.stock}, code="stock")
    cart = (
        Order.objects.select_for_update()
        .filter(employee=employee, merchant_id=listing.merchant_id, status=OrderStatus.CART)
        .first()
    )
    if cart is None:
        cart = Order(employee=employee, merchant_id=listing.merchant_id)
        _save(cart, actor)
    if quantity == 0:
        OrderLine.objects.filter(order=cart, listing=listing).delete()
        return cart
    OrderLine.objects.update_or_create(
        order=cart,
        listing=listing,
        defaults={
            "name": listing.name,
            "unit": listing.unit,
            "quantity": quantity,
            "unit_price": listing.price,
        },
    )
    return cart


def _total(order: Order) -> int:
    return sum(line.subtotal or 0 for line in order.lines.all())


@transaction.atomic
def order_place(*, order: Order, actor, fulfilment: str = Fulfilment.PICKUP, note: str = ""):
    current = _locked(order, OrderStatus.CART)
    _check_employee(current, actor)
    now = timezone.now()
    lines = list(current.lines.select_related("listing"))
    if not lines:
        raise ConflictError(MSG_EMPTY_CART, code="empty_cart")
    _check_verified(current.merchant)
    shown = set(
        shown_listings()
        .filter(available=True, pk__in=[line.listing_id for line in lines])
        .values_list("pk", flat=True)
    )
    for line in lines:
        if line.listing_id not in shown:
            raise ConflictError(MSG_LISTING_NOT_SHOWN, code="listing_not_shown")
    front = Storefront.objects.filter(merchant_id=current.merchant_id).first()
    pickup, delivery = (front.offers_pickup, front.offers_delivery) if front else (True, False)
    if fulfilment == Fulfilment.DELIVERY and not delivery:
        raise DomainError(MSG_NO_DELIVERY, code="no_delivery", field="fulfilment")
    if fulfilment == Fulfilment.PICKUP and not pickup:
        raise DomainError(MSG_NO_PICKUP, code="no_pickup", field="fulfilment")
    hooks.get("check_period")(at=now)
    current.fulfilment = fulfilment
    current.note = (note or "").strip()[:300]
    current.full_clean()
    number = next_document_number(f"EBK-ORD-{period_of(now)}-")
    _save(
        current,
        actor,
        number=number,
        status=OrderStatus.PLACED,
        placed_at=now,
        total=_total(current),
    )
    _tell(current.merchant.user, _("New order"), current)
    return current


@transaction.atomic
def order_accept(*, order: Order, actor, prices: dict[int, int] | None = None) -> Order:
    """The merchant accepts; items priced "on request" get their price now; stock goes down."""
    current = _locked(order, OrderStatus.PLACED)
    _check_merchant(current, actor)
    lines = list(current.lines.select_related("listing"))
    prices = prices or {}
    for line in lines:
        if line.unit_price is None:
            price = prices.get(line.pk)
            if price is None or price <= 0:
                raise DomainError(MSG_PRICE_NEEDED, code="price_needed", field="prices")
    listings = {
        listing.pk: listing
        for listing in Listing.objects.select_for_update().filter(
            pk__in=[line.listing_id for line in lines if line.listing_id]
        )
    }
    for line in lines:
        listing = listings.get(line.listing_id or 0)
        if listing is not None and listing.stock is not None and listing.stock < line.quantity:
            raise ConflictError(MSG_OUT_OF_STOCK % {"stock": listing.stock}, code="stock")
    for line in lines:
        if line.unit_price is None:
            line.unit_price = prices[line.pk]
            line.save(update_fields=["unit_price"])
        listing = listings.get(line.listing_id or 0)
        if listing is not None and listing.stock is not None:
            listing.stock -= line.quantity
            set_history_user(listing, actor)
            listing.save(update_fields=["stock", "updated_at"])
    _save(
        current,
        actor,
        status=OrderStatus.ACCEPTED,
        accepted_at=timezone.now(),
        total=sum(line.subtotal or 0 for line in lines),
    )
    _tell(_employee_user(current), _("Your order was accepted"), current)
    return current


def _restore_stock(order: Order, actor) -> None:
    for line in order.lines.all():
        if line.listing_id:
            Listing.objects.filter(pk=line.listing_id, stock__isnull=False).update(
                stock=F("stock") + line.quantity
            )


@transaction.atomic
def order_decline(*, order: Order, actor, reason: str) -> Order:
    current = _locked(order, OrderStatus.PLACED)
    _check_merchant(current, actor)
    reason = _reason(reason)
    _save(current, actor, status=OrderStatus.DECLINED, reason=reason, closed_at=timezone.now())
    _tell(_employee_user(current), _("Your order was declined"), current, reason)
    return current


@transaction.atomic
def order_mark_ready(*, order: Order, actor) -> Order:
    current = _locked(order, OrderStatus.ACCEPTED)
    _check_merchant(current, actor)
    _save(current, actor, status=OrderStatus.READY, ready_at=timezone.now())
    _tell(_employee_user(current), _("Your order is ready or on its way"), current)
    return current


@transaction.atomic
def order_hand_over(*, order: Order, actor) -> Order:
    """The merchant records the hand-over; the employee has 48 hours to object, after which the
    order completes by itself (``orders_time_out``)."""
    current = _locked(order, OrderStatus.ACCEPTED, OrderStatus.READY)
    _check_merchant(current, actor)
    _save(current, actor, status=OrderStatus.HANDED_OVER, handed_over_at=timezone.now())
    _tell(
        _employee_user(current),
        _("The merchant handed over your order"),
        current,
        str(_("Confirm receipt, or object within 48 hours.")),
    )
    return current


@transaction.atomic
def order_object(*, order: Order, actor, reason: str) -> Order:
    """The employee says the order was not received as handed over: it goes back to the
    merchant (ready) with the objection, and does not complete by itself."""
    current = _locked(order, OrderStatus.HANDED_OVER)
    _check_employee(current, actor)
    reason = _reason(reason)
    handed_over_at = current.handed_over_at or timezone.now()
    if timezone.now() > handed_over_at + OBJECTION_WINDOW:
        raise ConflictError(MSG_OBJECTION_LATE, code="objection_late")
    _save(current, actor, status=OrderStatus.READY, objection=reason, handed_over_at=None)
    _tell(current.merchant.user, _("The employee objected to the hand-over"), current, reason)
    return current


def _complete(current: Order, actor, at) -> Order:
    purchase_id = hooks.get("completion")(order=current, at=at, actor=actor)
    _save(current, actor, status=OrderStatus.COMPLETED, completed_at=at, purchase_id=purchase_id)
    _tell(current.merchant.user, _("Order completed"), current)
    _tell(_employee_user(current), _("Order completed"), current)
    return current


@transaction.atomic
def order_confirm_receipt(*, order: Order, actor) -> Order:
    """The employee confirms receipt: the order completes and becomes a purchase confirmed by
    both sides (the merchant by accepting and handing over, the employee now)."""
    current = _locked(order, OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.HANDED_OVER)
    _check_employee(current, actor)
    return _complete(current, actor, timezone.now())


@transaction.atomic
def order_cancel(*, order: Order, actor, reason: str = "") -> Order:
    """The employee cancels before the merchant accepts (no reason needed); the merchant
    cancels an accepted order with a reason. Nothing is cancelled once handed over."""
    current = _locked(order)
    if actor is not None and current.employee.user_id == actor.pk:
        if current.status not in (OrderStatus.CART, OrderStatus.PLACED):
            raise ConflictError(MSG_ORDER_STATE, code="order_state")
        reason = (reason or "").strip()
        who = current.merchant.user
    elif _owns(current.merchant, actor):
        if current.status not in (OrderStatus.ACCEPTED, OrderStatus.READY):
            raise ConflictError(MSG_ORDER_STATE, code="order_state")
        reason = _reason(reason)
        _restore_stock(current, actor)
        who = _employee_user(current)
    else:
        raise PermissionDeniedError(MSG_NOT_YOUR_ORDER, code="not_your_order")
    was_cart = current.status == OrderStatus.CART
    _save(current, actor, status=OrderStatus.CANCELLED, reason=reason, closed_at=timezone.now())
    if not was_cart:
        _tell(who, _("Order cancelled"), current, reason)
    return current


def orders_time_out(*, now=None) -> dict[str, int]:
    """The beat task's work: a placed order nobody accepted within 24 hours expires; an
    accepted or ready order not handed over within 7 days expires (stock back); a handed-over
    order without objection for 48 hours completes. Each order in its own transaction, so one
    refusal (e.g. a closed period) does not stop the others."""
    now = now or timezone.now()
    done = {"expired": 0, "completed": 0, "failed": 0}
    due_placed = Order.objects.filter(status=OrderStatus.PLACED, placed_at__lt=now - ACCEPT_WINDOW)
    due_fulfil = Order.objects.filter(
        status__in=[OrderStatus.ACCEPTED, OrderStatus.READY], accepted_at__lt=now - FULFIL_WINDOW
    )
    for order_id in list(due_placed.values_list("pk", flat=True)) + list(
        due_fulfil.values_list("pk", flat=True)
    ):
        with transaction.atomic():
            current = _locked(Order(pk=order_id))
            if current.status not in (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY):
                continue
            if current.status != OrderStatus.PLACED:
                _restore_stock(current, None)
            _save(current, None, status=OrderStatus.EXPIRED, closed_at=now)
            _tell(_employee_user(current), _("Order expired"), current)
            _tell(current.merchant.user, _("Order expired"), current)
            done["expired"] += 1
    due_handed = Order.objects.filter(
        status=OrderStatus.HANDED_OVER, handed_over_at__lt=now - OBJECTION_WINDOW
    ).values_list("pk", flat=True)
    for order_id in list(due_handed):
        try:
            with transaction.atomic():
                current = _locked(Order(pk=order_id), OrderStatus.HANDED_OVER)
                _complete(current, None, current.handed_over_at)
                done["completed"] += 1
        except (DomainError, ValidationError):
            done["failed"] += 1
    return done


# --- reviews -----------------------------------------------------------------------------------


@transaction.atomic
def review_create(*, order: Order, actor, rating: int, text: str = "") -> Review:
    current = _locked(order)
    _check_employee(current, actor)
    if current.status != OrderStatus.COMPLETED:
        raise ConflictError(MSG_REVIEW_NOT_COMPLETED, code="not_completed")
    if Review.objects.filter(order=current).exists():
        raise ConflictError(MSG_REVIEW_TWICE, code="review_twice")
    review = Review(
        order=current, merchant_id=current.merchant_id, rating=rating, text=(text or "").strip()
    )
    review.full_clean()
    set_history_user(review, actor)
    review.save()
    merchant_rating_refresh(current.merchant_id)
    _tell(current.merchant.user, _("New review"), current)
    return review


@transaction.atomic
def review_reply(*, review: Review, actor, text: str) -> Review:
    current = Review.objects.select_for_update().select_related("merchant").get(pk=review.pk)
    if not _owns(current.merchant, actor):
        raise PermissionDeniedError(MSG_NOT_YOUR_SHOP, code="not_your_shop")
    current.reply = _reason(text)
    current.replied_at = timezone.now()
    current.full_clean()
    set_history_user(current, actor)
    current.save()
    return current


@transaction.atomic
def review_hide_text(*, review: Review, actor, reason: str = "", common_reason=None) -> Review:
    """A verifier hides the abusive text of a review with a reason (a common reason of
    ``ReasonKind.REVIEW_HIDE`` and/or free text); the rating stays and counts. The reviewer and
    the merchant are told why. Nobody moderates a review they wrote or one of their business."""
    _check_moderator(actor)
    current = (
        Review.objects.select_for_update()
        .select_related("order__employee__user", "merchant__user", "order")
        .get(pk=review.pk)
    )
    if current.order.employee.user_id == actor.pk or _owns(current.merchant, actor):
        raise PermissionDeniedError(MSG_OWN_REVIEW, code="concerns_self")
    if current.text_hidden:
        raise ConflictError(MSG_ALREADY_HIDDEN, code="already_hidden")
    current.hidden_reason = _moderation_reason(ReasonKind.REVIEW_HIDE, common_reason, reason)
    current.text_hidden = True
    set_history_user(current, actor)
    current.save(update_fields=["text_hidden", "hidden_reason", "updated_at"])
    for user in (current.order.employee.user, current.merchant.user):
        _tell(user, _("The text of a review was hidden"), current.order, current.hidden_reason)
    return current
