"""The verifiers' moderation screens in the desk at ``/desk/pasar/`` (docs/adr/0420): the queue
of listings the deny list sent to review (approve or hide), every hidden or shown listing (hide
with a reason, show again), and the reviews whose abusive text a verifier hides with a reason.

Thin views: reads are ``selectors``, every write is ``services.listing_moderate`` or
``services.review_hide_text``, which refuse (a verifier's own business, a review they wrote, no
reason) before anything is written. Only verifiers and administrators open these pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ebakul.accounts import roles
from ebakul.core.errors import DomainError
from ebakul.workflow.models import ReasonKind, RefusalReason

from . import selectors, services
from .models import Listing, ListingModeration, Review

PAGE_SIZE = 50
MSG_HIDDEN = _("“%(name)s” is hidden; the merchant sees the reason.")
MSG_SHOWN = _("“%(name)s” is shown in the marketplace.")
MSG_REVIEW_HIDDEN = _("The text of the review of order %(order)s is hidden.")
MSG_DECISION = _("Choose hide or show.")
DECISIONS = {"hide": False, "show": True}


def _check(request) -> None:
    if not roles.is_admin_or_verifier(request.user):
        raise PermissionDenied(services.MSG_NOT_A_VERIFIER)


def _reasons(kind: str) -> list[RefusalReason]:
    return list(RefusalReason.objects.filter(kind=kind, active=True).order_by("order", "id"))


def _state(value: str | None) -> str:
    return value if value in selectors.MODERATION_FILTERS else ListingModeration.REVIEW


def listings(request):
    """The review queue (default) or the hidden / shown listings, 50 a page."""
    _check(request)
    state = _state(request.GET.get("status"))
    q = (request.GET.get("q") or "").strip()[:100]
    counts = dict(
        Listing.objects.values_list("moderation").annotate(n=Count("pk")).order_by("moderation")
    )
    tabs = [
        {
            "code": code,
            "label": ListingModeration(code).label,
            "count": counts.get(code, 0),
            "url": "?" + urlencode({"status": code}),
            "active": code == state,
        }
        for code in selectors.MODERATION_FILTERS
    ]
    page = Paginator(selectors.listings_for_moderation(state=state, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Marketplace moderation"),
        "tabs": tabs,
        "state": state,
        "q": q,
        "page": page,
    }
    return TemplateResponse(request, "marketplace/desk/listings.html", context)


def listing(request, pk: int):
    """One listing: what the merchant wrote, its moderation and the decision forms."""
    _check(request)
    item = get_object_or_404(
        Listing.objects.select_related("merchant", "merchant__kecamatan", "category"), pk=pk
    )
    own = item.merchant.user_id is not None and item.merchant.user_id == request.user.pk
    context = {
        **admin.site.each_context(request),
        "title": _("Listing: %(name)s") % {"name": item.name},
        "item": item,
        "own": own,
        "reasons": _reasons(ReasonKind.LISTING_HIDE),
        "hidden": item.moderation == ListingModeration.HIDDEN,
        "visible": item.moderation == ListingModeration.VISIBLE,
    }
    return TemplateResponse(request, "marketplace/desk/listing.html", context)


@require_POST
def listing_decide(request, pk: int):
    _check(request)
    item = get_object_or_404(Listing, pk=pk)
    was = item.moderation
    decision = request.POST.get("decision", "")
    here = reverse("marketplace_desk:listing", args=[pk])
    if decision not in DECISIONS:
        messages.error(request, MSG_DECISION)
        return HttpResponseRedirect(here)
    try:
        done = services.listing_moderate(
            listing=item,
            actor=request.user,
            show=DECISIONS[decision],
            reason=request.POST.get("comment", ""),
            common_reason=request.POST.get("reason") or None,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(here)
    messages.success(request, (MSG_SHOWN if DECISIONS[decision] else MSG_HIDDEN) % {"name": done})
    # Back to the list the listing came from: the queue's next listing is at its top.
    return HttpResponseRedirect(
        reverse("marketplace_desk:listings") + "?" + urlencode({"status": was})
    )


def reviews(request):
    """Reviews with text, newest first, each with the form to hide its text; or the hidden."""
    _check(request)
    hidden = request.GET.get("status") == "hidden"
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.reviews_for_moderation(hidden=hidden, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Reviews: hide abusive text"),
        "hidden": hidden,
        "q": q,
        "page": page,
        "reasons": _reasons(ReasonKind.REVIEW_HIDE),
        "me": request.user.pk,
    }
    return TemplateResponse(request, "marketplace/desk/reviews.html", context)


@require_POST
def review_hide(request, pk: int):
    _check(request)
    review = get_object_or_404(Review.objects.select_related("order"), pk=pk)
    try:
        services.review_hide_text(
            review=review,
            actor=request.user,
            reason=request.POST.get("comment", ""),
            common_reason=request.POST.get("reason") or None,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, MSG_REVIEW_HIDDEN % {"order": review.order})
    return HttpResponseRedirect(reverse("marketplace_desk:reviews"))


def _wrap(view):
    return admin.site.admin_view(view)


app_name = "marketplace_desk"
urlpatterns = [
    path("", _wrap(listings), name="listings"),
    path("produk/<int:pk>/", _wrap(listing), name="listing"),
    path("produk/<int:pk>/putuskan/", _wrap(listing_decide), name="listing_decide"),
    path("ulasan/", _wrap(reviews), name="reviews"),
    path("ulasan/<int:pk>/sembunyikan/", _wrap(review_hide), name="review_hide"),
]
