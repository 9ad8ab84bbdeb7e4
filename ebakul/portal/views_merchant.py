"""Merchant portal: registration, status, sales to confirm, monthly totals, QR poster."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ebakul.accounts import roles
from ebakul.accounts.services import user_create
from ebakul.core.errors import DomainError
from ebakul.merchants.selectors import merchants_visible_to
from ebakul.merchants.services import merchant_create, merchant_set_qris, merchant_update
from ebakul.purchases.models import PurchaseStatus
from ebakul.purchases.selectors import purchases_visible_to
from ebakul.workflow.selectors import (
    MERCHANT,
    PURCHASE,
    has_flag,
    state_choices,
    state_codes,
    state_kind,
    submit_action,
)

from . import access
from .access import merchant_required
from .forms import DisputeForm, MerchantAccountForm, MerchantBusinessForm, QrisForm

MSG_ACCOUNT_CREATED = _("Your account is ready. Now fill in the details of your business.")
MSG_MERCHANT_SUBMITTED = _(
    "Your business was sent for verification. We will notify you when it is checked."
)
MSG_MERCHANT_SAVED_NOT_SUBMITTED = _("Your data was saved but could not be sent: %(reason)s")
MSG_SALE_CONFIRMED = _("Sale %(number)s confirmed. Thank you.")
MSG_SALE_DISPUTED = _("Sale %(number)s disputed. A verifier will look at it.")
MSG_NOT_EDITABLE_NOW = _("Your registration cannot be changed in its current state.")
MSG_QRIS_SAVED = _("Your QRIS %(nmid)s (%(name)s) is saved.")

SALE_ACTIONS = {"confirm": MSG_SALE_CONFIRMED, "dispute": MSG_SALE_DISPUTED}
TOTAL_MONTHS = 6


def _merchant(request):
    """The logged-in owner's business (the first one, if an owner ever has several)."""
    return merchants_visible_to(request.user).order_by("pk").first()


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        if roles.has_role(request.user, roles.MERCHANT):
            return redirect("portal:merchant_business")
        return redirect("portal:home")
    form = MerchantAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"],
                password=data["password1"],
                role=roles.MERCHANT,
                email=data["email"],
                first_name=data["full_name"],
            )
        except ValidationError as exc:  # the service's rules (e.g. taken meanwhile)
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, MSG_ACCOUNT_CREATED)
            return redirect("portal:merchant_business")
    return render(request, "portal/merchant/register.html", {"form": form})


@merchant_required
@require_http_methods(["GET", "POST"])
def business(request):
    """Create the business (step 2 of registration) or fix it and resubmit."""
    merchant = _merchant(request)
    if merchant is not None and not has_flag(MERCHANT, merchant.status, "is_editable"):
        messages.info(request, MSG_NOT_EDITABLE_NOW)
        return redirect("portal:merchant_home")
    initial = {} if merchant else {"owner_name": request.user.first_name}
    form = MerchantBusinessForm(request.POST or None, instance=merchant, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            with transaction.atomic():
                if merchant is None:
                    merchant = merchant_create(actor=request.user, user=request.user, **fields)
                else:
                    merchant = merchant_update(merchant=merchant, actor=request.user, **fields)
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            try:
                access.apply_action(
                    document=merchant, action=_submit_action(merchant), actor=request.user
                )
            except DomainError as exc:
                messages.warning(
                    request, MSG_MERCHANT_SAVED_NOT_SUBMITTED % {"reason": exc.message}
                )
            else:
                messages.success(request, MSG_MERCHANT_SUBMITTED)
            return redirect("portal:merchant_home")
    return render(
        request, "portal/merchant/business_form.html", {"form": form, "merchant": merchant}
    )


@merchant_required
@require_POST
def resubmit(request):
    merchant = _merchant(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    try:
        access.apply_action(document=merchant, action=_submit_action(merchant), actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, MSG_MERCHANT_SUBMITTED)
    return redirect("portal:merchant_home")


def _submit_action(merchant) -> str:
    """The workflow's submitting action out of the merchant's state (ADR 0125); when there is
    none the engine refuses the code with its Indonesian reason."""
    return submit_action(MERCHANT, merchant.status) or "submit"


def _monthly_totals(merchant, sales_qs):
    rows = (
        sales_qs.filter(merchant=merchant)
        .exclude(status__in=state_codes(PURCHASE, "is_initial"))
        .values("period")
        .annotate(
            count=Count("id"),
            verified=Sum(
                "amount",
                filter=Q(status__in=state_codes(PURCHASE, "counts_as_verified")),
                default=0,
            ),
            pending=Sum(
                "amount", filter=Q(status__in=state_codes(PURCHASE, "counts_as_pending")), default=0
            ),
            to_confirm=Count("id", filter=Q(status=PurchaseStatus.SUBMITTED)),
        )
        .order_by("-period")[:TOTAL_MONTHS]
    )
    return list(rows)


@merchant_required
def merchant_home(request):
    merchant = _merchant(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    sales = purchases_visible_to(request.user)
    totals = _monthly_totals(merchant, sales)
    to_confirm = sales.filter(merchant=merchant, status=PurchaseStatus.SUBMITTED).count()
    return render(
        request,
        "portal/merchant/home.html",
        {
            "merchant": merchant,
            "totals": totals,
            "to_confirm": to_confirm,
            "editable": has_flag(MERCHANT, merchant.status, "is_editable"),
            # what the state means, from the workflow's flags (ADR 0125), never its code
            "phase": state_kind(MERCHANT, merchant.status),
        },
    )


@merchant_required
def sales(request):
    merchant = _merchant(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    qs = (
        purchases_visible_to(request.user)
        .exclude(status__in=state_codes(PURCHASE, "is_initial"))
        .order_by("-purchased_at", "-pk")
    )
    status = request.GET.get("status") or ""
    statuses = state_choices(PURCHASE, exclude="is_initial")
    if status in dict(statuses):
        qs = qs.filter(status=status)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/merchant/sales.html",
        {
            "merchant": merchant,
            "page": page,
            "status": status,
            "statuses": statuses,
            "dispute_form": DisputeForm(),
            "SUBMITTED": PurchaseStatus.SUBMITTED,
        },
    )


@merchant_required
@require_POST
def sale_action(request, pk: int, action: str):
    if action not in SALE_ACTIONS:
        raise PermissionDenied
    # Another merchant's sale is simply not found: its existence is not revealed.
    purchase = get_object_or_404(purchases_visible_to(request.user), pk=pk)
    comment = ""
    if action == "dispute":
        form = DisputeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(form.errors.get("comment", [])))
            return redirect(reverse("portal:merchant_sales") + f"#sale-{purchase.pk}")
        comment = form.cleaned_data["comment"]
    try:
        access.apply_action(document=purchase, action=action, actor=request.user, comment=comment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, SALE_ACTIONS[action] % {"number": purchase.document_number})
    return redirect("portal:merchant_sales")


def qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    return image.to_string(encoding="unicode")


@merchant_required
def poster(request):
    merchant = _merchant(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    url = request.build_absolute_uri(reverse("portal:purchase_new") + f"?merchant={merchant.pk}")
    return render(
        request,
        "portal/merchant/poster.html",
        {
            "merchant": merchant,
            "url": url,
            "qr": mark_safe(qr_svg(url)),  # noqa: S308 - generated by qrcode, no user input
            "verified": has_flag(MERCHANT, merchant.status, "counts_as_verified"),
        },
    )


@merchant_required
@require_http_methods(["GET", "POST"])
def qris(request):
    """Add or replace the business's QRIS: a sticker photo (decoded with zbar) or the pasted
    text (issue 15). Parsed and checked by merchants.services.merchant_set_qris."""
    merchant = _merchant(request)
    if merchant is None:
        return redirect("portal:merchant_business")
    posted = request.method == "POST"
    form = QrisForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        payload = (form.cleaned_data.get("payload") or "").strip()
        try:
            merchant = merchant_set_qris(
                merchant=merchant,
                actor=request.user,
                payload=payload,
                image=None if payload else form.cleaned_data.get("photo"),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, MSG_QRIS_SAVED % {"nmid": merchant.qris_nmid, "name": merchant.qris_name}
            )
            return redirect("portal:merchant_home")
    return render(request, "portal/merchant/qris.html", {"form": form, "merchant": merchant})
