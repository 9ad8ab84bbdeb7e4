"""Employee self-service: progress, recording purchases, history, appeals."""

import re
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ebakul.compliance.models import Appeal, AppealStatus, MonthlyCompliance
from ebakul.compliance.rules import indonesian_month
from ebakul.compliance.selectors import appeals_by_period
from ebakul.core.errors import DomainError
from ebakul.core.periods import now_wib, validate_period
from ebakul.core.uploads import (
    CleanUpload,
    clean_upload,
    pending_clear,
    pending_exists,
    pending_get,
    pending_keep,
    pending_response,
)
from ebakul.integrity.ocr import PREFILL_TIME_LIMIT, read_image
from ebakul.merchants.qris import QRIS_PHOTO_POLICY, decode_qr_image, parse_qris
from ebakul.merchants.selectors import merchants_selectable
from ebakul.purchases import services as purchase_services
from ebakul.purchases.receipts import clean_receipt
from ebakul.purchases.selectors import purchases_visible_to
from ebakul.purchases.services import ACTION_CONTEST, purchase_create, purchase_is_editable
from ebakul.workflow.selectors import (
    PURCHASE,
    has_flag,
    initial_state,
    state_choices,
    state_codes,
    submit_action,
)

from . import access
from .access import employee_required
from .forms import AppealForm, ContestForm, MerchantSearchForm, PurchaseForm, ScanForm

MSG_PURCHASE_SUBMITTED = _(
    "Purchase %(number)s was sent. The business will confirm it, then a verifier checks it."
)
MSG_PURCHASE_DRAFT_SAVED = _("Check the summary, then press Send.")
MSG_PICK_MERCHANT = _("Choose the business first.")
MSG_DRAFT_DELETED = _("The unsent purchase was deleted.")
MSG_RECEIPT_KEEP = _("Leave empty to keep the current photo.")
MSG_APPEAL_SENT = _("Your appeal was sent. You will be notified of the decision.")
MSG_APPEAL_CLOSED = _("The appeal window is closed.")
MSG_APPEAL_EXISTS = _(
    "You have already appealed this period; its state is shown on your home page."
)
MSG_CONTEST_SENT = _(
    "Your request was sent. Another verifier will review purchase %(number)s again."
)

PENDING_RECEIPT = "purchase_receipt"
PICKER_LIMIT = 30
STATEMENT_MONTHS = 6


def own_purchases(request):
    """The employee's own purchases: row scoping plus the owner (a verifier who is also an
    employee sees only their own here)."""
    return purchases_visible_to(request.user).filter(employee=request.employee)


@employee_required
def employee_home(request):
    progress = access.employee_progress(request.employee)
    required = progress.get("required") or 0
    verified = progress.get("verified") or 0
    pending = progress.get("pending") or 0
    if required:
        verified_pct = min(100, verified * 100 // required)
        pending_pct = min(100 - verified_pct, pending * 100 // required)
    else:
        verified_pct, pending_pct = 100, 0
    recent = own_purchases(request).order_by("-purchased_at")[:5]
    # Monthly results the employee can download as a statement (newest first).
    results = list(
        MonthlyCompliance.objects.filter(employee=request.employee)
        .order_by("-period")
        .values("period", "status", "verified_spend", "required_spend", "deduction_amount")[
            :STATEMENT_MONTHS
        ]
    )
    drafts = own_purchases(request).filter(status__in=state_codes(PURCHASE, "is_editable")).count()
    # Appeals: their state replaces the invitation to appeal (ADR 0106).
    appeals = appeals_by_period(request.employee)
    for r in results:
        r["appeal"] = appeals.get(r["period"])
    open_row = _open_appeal(request.employee)
    if open_row is not None and open_row.period in appeals:
        open_row = None
    latest = max(appeals.values(), key=lambda a: (a.created_at, a.pk), default=None)
    shown_periods = {r["period"] for r in results}
    if latest is not None and not (
        latest.status == AppealStatus.PENDING or latest.period in shown_periods
    ):
        latest = None
    return render(
        request,
        "portal/employee/home.html",
        {
            "employee": request.employee,
            "progress": progress,
            "verified_pct": verified_pct,
            "pending_pct": pending_pct,
            "recent": recent,
            "drafts": drafts,
            "draft_state": initial_state(PURCHASE),
            "results": results,
            "appeal": open_row,
            "latest_appeal": latest,
            "latest_appeal_month": indonesian_month(latest.period) if latest else "",
        },
    )


@employee_required
def merchant_pick(request):
    form = MerchantSearchForm(request.GET or None)
    qs = merchants_selectable().select_related("kecamatan", "category")
    searched = False
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            qs = qs.filter(business_name__icontains=data["q"].strip())
        if data.get("kecamatan"):
            qs = qs.filter(kecamatan=data["kecamatan"])
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        searched = any(data.values())
    if not searched and request.employee.home_kecamatan_id:
        # Sellers near home first (the programme's priority), then by name.
        near_home = Case(
            When(kecamatan_id=request.employee.home_kecamatan_id, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        qs = qs.order_by(near_home, "business_name")
    results = list(qs[: PICKER_LIMIT + 1])
    return render(
        request,
        "portal/employee/merchant_pick.html",
        {
            "form": form,
            "results": results[:PICKER_LIMIT],
            "more": len(results) > PICKER_LIMIT,
        },
    )


MSG_SCAN_NO_CODE = _("No QR code was found in the photo. Take a sharper photo, closer to the code.")
MSG_SCAN_UNKNOWN = _(
    "This code does not belong to a verified business in eBakul. Search the business by name."
)


def _merchant_from_codes(texts: list[str]):
    """The verified business a scanned code names: a QRIS (by its NMID) or the eBakul poster
    (its link to the purchase form with ``?merchant=<id>``)."""
    selectable = merchants_selectable().select_related("kecamatan", "category")
    poster_path = reverse("portal:purchase_new")
    for text in texts:
        try:
            parsed = parse_qris(text)
        except ValidationError:
            parts = urlsplit(text.strip())
            merchant_id = parse_qs(parts.query).get("merchant", [""])[0]
            if parts.path == poster_path and re.fullmatch(r"[0-9]{1,12}", merchant_id):
                found = selectable.filter(pk=merchant_id).first()
                if found:
                    return found
            continue
        found = selectable.filter(qris_nmid=parsed.nmid).order_by("pk").first()
        if found:
            return found
    return None


@employee_required
@require_POST
def merchant_scan(request):
    """Pick the business by a photo of its QRIS sticker or its eBakul poster (issue 15); the
    photo is cleaned like any upload, decoded with zbar on the server and not stored."""
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, MSG_SCAN_NO_CODE)
        return redirect("portal:merchant_pick")
    try:
        texts = decode_qr_image(clean_upload(form.cleaned_data["photo"], QRIS_PHOTO_POLICY).read())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal:merchant_pick")
    if not texts:
        messages.error(request, MSG_SCAN_NO_CODE)
        return redirect("portal:merchant_pick")
    merchant = _merchant_from_codes(texts)
    if merchant is None:
        messages.error(request, MSG_SCAN_UNKNOWN)
        return redirect("portal:merchant_pick")
    return redirect(reverse("portal:purchase_new") + f"?merchant={merchant.pk}")


@employee_required
@require_POST
def receipt_prefill(request):
    """The total and date read from a receipt photo, for the purchase form to fill the fields
    still empty (issue 15). Answers within a few seconds or with nothing; never stores
    anything and never blocks the form, which works the same without it."""
    empty = {"amount": None, "date": None}
    photo = request.FILES.get("receipt")
    if not photo:
        return JsonResponse(empty)
    try:
        cleaned = clean_receipt(photo)
        reading = read_image(cleaned.read(), timeout=PREFILL_TIME_LIMIT)
    except (ValidationError, RuntimeError):
        return JsonResponse(empty)
    today = now_wib().date()
    date = reading.date if reading.date and reading.date <= today else None
    return JsonResponse(
        {
            "amount": reading.amount,
            "date": date.isoformat() if date else None,
            "today": date == today,
        }
    )


@employee_required
@require_http_methods(["GET", "POST"])
def purchase_new(request):
    merchant_id = request.POST.get("merchant") or request.GET.get("merchant")
    merchant = None
    # ASCII digits only: isdigit() accepts superscripts, which the id lookup then refuses (500).
    if merchant_id and re.fullmatch(r"[0-9]{1,12}", str(merchant_id)):
        merchant = (
            merchants_selectable()
            .select_related("kecamatan", "category")
            .filter(pk=merchant_id)
            .first()
        )
    if request.method == "GET":
        if merchant is None:
            if merchant_id:
                messages.error(
                    request, PurchaseForm.base_fields["merchant"].error_messages["invalid_choice"]
                )
            else:
                messages.info(request, MSG_PICK_MERCHANT)
            return redirect("portal:merchant_pick")
        pending_clear(request, PENDING_RECEIPT)  # a new purchase starts without a kept photo
        form = PurchaseForm(
            initial={
                "merchant": merchant.pk,
                "purchased_at": now_wib().replace(tzinfo=None, microsecond=0),
            }
        )
    else:
        # Sent again (a retry, an offline draft): the purchase recorded the first time.
        key = (request.POST.get("client_key") or "").strip()[:64]
        existing = key and purchase_services.purchase_by_client_key(
            employee=request.employee, client_key=key
        )
        if existing:
            target = (
                "portal:purchase_confirm"
                if purchase_is_editable(existing)
                else ("portal:purchase_detail")
            )
            return redirect(target, pk=existing.pk)
        form = PurchaseForm(request.POST, request.FILES)
        kept = None
        if not request.FILES.get("receipt") and pending_exists(request, PENDING_RECEIPT):
            form.fields["receipt"].required = False
            kept = pending_get(request, PENDING_RECEIPT)
        if form.is_valid():
            data = form.cleaned_data
            try:
                purchase = purchase_create(
                    employee=request.employee,
                    merchant=data["merchant"],
                    purchased_at=data["purchased_at"],
                    amount=data["amount"],
                    receipt=data["receipt"] or kept,
                    description=data["description"],
                    payment_method=data["payment_method"],
                    qris_reference=data["qris_reference"],
                    client_key=data["client_key"] or None,
                    actor=request.user,
                )
            except ValidationError as exc:
                _add_model_errors(form, exc)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                pending_clear(request, PENDING_RECEIPT)
                messages.info(request, MSG_PURCHASE_DRAFT_SAVED)
                return redirect("portal:purchase_confirm", pk=purchase.pk)
        _keep_receipt(request, form)
    return render(
        request,
        "portal/employee/purchase_form.html",
        {
            "form": form,
            "merchant": merchant,
            "pending_receipt": request.method == "POST"
            and pending_exists(request, PENDING_RECEIPT),
        },
    )


def _keep_receipt(request, form) -> None:
    """A refused form keeps the photo it accepted: the browser will not send it again."""
    chosen = (getattr(form, "cleaned_data", None) or {}).get("receipt")
    if isinstance(chosen, CleanUpload):
        pending_keep(request, PENDING_RECEIPT, chosen)


@employee_required
def pending_receipt(request):
    """The preview of the photo kept after a refused form (only this session's)."""
    return pending_response(request, PENDING_RECEIPT, stem="nota")


def _add_model_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


@employee_required
@require_http_methods(["GET", "POST"])
def purchase_confirm(request, pk: int):
    """The summary step: the purchase exists as a draft; Send submits it through the workflow."""
    purchase = get_object_or_404(own_purchases(request), pk=pk)
    # the workflow says which states can be sent on, and by which action (ADR 0125)
    submit = submit_action(PURCHASE, purchase.status)
    if submit is None or not has_flag(PURCHASE, purchase.status, "is_editable"):
        return redirect("portal:purchase_detail", pk=purchase.pk)
    if request.method == "POST":
        try:
            access.apply_action(document=purchase, action=submit, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, MSG_PURCHASE_SUBMITTED % {"number": purchase.document_number})
            return redirect("portal:purchase_detail", pk=purchase.pk)
    return render(request, "portal/employee/purchase_confirm.html", {"purchase": purchase})


@employee_required
@require_http_methods(["GET", "POST"])
def purchase_edit(request, pk: int):
    """Correct a draft before sending it (purchase_update); the photo is kept unless a new one
    is chosen. The business stays: another business is another purchase."""
    purchase = get_object_or_404(
        own_purchases(request).select_related("merchant__kecamatan", "merchant__category"), pk=pk
    )
    if not purchase_is_editable(purchase):
        return redirect("portal:purchase_detail", pk=purchase.pk)
    initial = {
        "merchant": purchase.merchant_id,
        "purchased_at": timezone.localtime(purchase.purchased_at).replace(tzinfo=None),
        "amount": purchase.amount,
        "description": purchase.description,
        "payment_method": purchase.payment_method,
        "qris_reference": purchase.qris_reference,
    }
    if request.method == "POST":
        data = request.POST.copy()
        data["merchant"] = purchase.merchant_id  # not changeable here, whatever is posted
        form = PurchaseForm(data, request.FILES)
    else:
        form = PurchaseForm(initial=initial)
    # The current business stays choosable even if it is no longer selectable for new purchases.
    form.fields["merchant"].queryset = type(purchase.merchant).objects.filter(
        pk=purchase.merchant_id
    )
    form.fields["receipt"].required = False
    form.fields["receipt"].help_text = MSG_RECEIPT_KEEP
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "purchased_at": data["purchased_at"],
            "amount": data["amount"],
            "description": data["description"],
            "payment_method": data["payment_method"],
            "qris_reference": data["qris_reference"],
        }
        if data.get("receipt"):
            fields["receipt"] = data["receipt"]
        try:
            purchase_services.purchase_update(purchase=purchase, actor=request.user, **fields)
        except ValidationError as exc:
            _add_model_errors(form, exc)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.info(request, MSG_PURCHASE_DRAFT_SAVED)
            return redirect("portal:purchase_confirm", pk=purchase.pk)
    return render(
        request,
        "portal/employee/purchase_form.html",
        {"form": form, "merchant": purchase.merchant, "purchase": purchase},
    )


@employee_required
@require_http_methods(["POST"])
def purchase_delete(request, pk: int):
    purchase = get_object_or_404(own_purchases(request), pk=pk)
    try:
        purchase_services.purchase_delete(purchase=purchase, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:purchase_detail", pk=purchase.pk)
    messages.success(request, MSG_DRAFT_DELETED)
    return redirect("portal:purchase_list")


@employee_required
def purchase_list(request):
    qs = own_purchases(request).order_by("-purchased_at", "-pk")
    status = request.GET.get("status") or ""
    statuses = state_choices(PURCHASE)
    if status in dict(statuses):
        qs = qs.filter(status=status)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/employee/purchase_list.html",
        {"page": page, "status": status, "statuses": statuses},
    )


@employee_required
def purchase_detail(request, pk: int):
    purchase = get_object_or_404(own_purchases(request), pk=pk)
    from ebakul.workflow import services as wf

    history = list(wf.document_history(document=purchase).select_related("actor"))
    return render(
        request,
        "portal/employee/purchase_detail.html",
        {
            "purchase": purchase,
            "history": history,
            "contest_form": _contest_form(request, purchase),
        },
    )


def _contest_form(request, purchase, data=None, files=None):
    """The "ask for a review" form when the workflow offers the contest action now."""
    codes = access.available_action_codes(document=purchase, user=request.user)
    return ContestForm(data, files) if ACTION_CONTEST in codes else None


@employee_required
@require_http_methods(["POST"])
def purchase_contest(request, pk: int):
    purchase = get_object_or_404(own_purchases(request), pk=pk)
    form = ContestForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            purchase_services.purchase_contest(
                purchase=purchase,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                evidence=form.cleaned_data.get("evidence"),
            )
        except ValidationError as exc:
            _add_model_errors(form, exc)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, MSG_CONTEST_SENT % {"number": purchase.document_number})
            return redirect("portal:purchase_detail", pk=purchase.pk)
    from ebakul.workflow import services as wf

    purchase.refresh_from_db()
    history = list(wf.document_history(document=purchase).select_related("actor"))
    return render(
        request,
        "portal/employee/purchase_detail.html",
        {"purchase": purchase, "history": history, "contest_form": form},
        status=400,
    )


def _open_appeal(employee):
    """The employee's result whose appeal window is open (a computed month that was not
    compliant), or None."""
    from ebakul.compliance.models import ComplianceStatus, MonthlyCompliance
    from ebakul.compliance.selectors import periods_open_for_appeal

    open_periods = periods_open_for_appeal().values("period")
    return (
        MonthlyCompliance.objects.filter(employee=employee, period__in=open_periods)
        .exclude(status=ComplianceStatus.COMPLIANT)
        .order_by("-period")
        .first()
    )


@employee_required
@require_http_methods(["GET", "POST"])
def appeal(request):
    row = _open_appeal(request.employee)
    if row is None:
        messages.info(request, MSG_APPEAL_CLOSED)
        return redirect("portal:employee_home")
    if Appeal.objects.filter(employee=request.employee, period=row.period).exists():
        messages.info(request, MSG_APPEAL_EXISTS)
        return redirect("portal:employee_home")
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from ebakul.compliance import services as compliance_services

        try:
            compliance_services.appeal_create(
                employee=request.employee,
                period=row.period,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data.get("evidence"),
                actor=request.user,
            )
        except ValidationError as exc:
            _add_model_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, MSG_APPEAL_SENT)
            return redirect("portal:employee_home")
    return render(request, "portal/employee/appeal.html", {"form": form, "compliance": row})


@employee_required
def statement(request, period: str):
    """The employee's own monthly statement (the same PDF the desk gives report readers)."""
    from ebakul.reports.pdf import statement_pdf
    from ebakul.reports.selectors import statement_for
    from ebakul.reports.verification import statement_check_url

    try:
        validate_period(period)
    except ValidationError as exc:
        raise Http404 from exc
    if not MonthlyCompliance.objects.filter(employee=request.employee, period=period).exists():
        raise Http404
    data = statement_for(employee=request.employee, period=period)
    pdf = statement_pdf(data, verify_url=statement_check_url(request, data))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="ebakul-statement-{request.employee.nip}-{period}.pdf"'
    )
    return response
