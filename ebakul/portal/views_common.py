"""Pages every visitor or user shares: landing, home routing, auth, notifications, receipts."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ebakul.accounts import roles
from ebakul.compliance.selectors import appeals_visible_to
from ebakul.core.models import Notification
from ebakul.core.services import notification_mark_read, notifications_mark_all_read
from ebakul.core.uploads import private_file_response
from ebakul.purchases.selectors import purchases_visible_to

from .forms import LoginForm, PasswordChangeForm, SetPasswordForm

MSG_PASSWORD_CHANGED = _("Your password has been changed.")
MSG_ALL_READ = _("All notifications are marked as read.")


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/landing.html")
    if roles.has_role(user, roles.EMPLOYEE) and hasattr(user, "employee"):
        return redirect("portal:employee_home")
    if roles.has_role(user, roles.MERCHANT):
        return redirect("portal:merchant_home")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "portal/landing.html")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "portal/auth/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "portal/auth/password_change.html"
    success_url = reverse_lazy("portal:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "portal/auth/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """The link in the mail points at ``settings.EBAKUL_SITE_URL``, never at the request's Host
    header (which a client chooses), in every environment."""

    template_name = "portal/auth/password_reset_form.html"
    email_template_name = "portal/auth/password_reset_email.txt"
    subject_template_name = "portal/auth/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form):
        site = urlsplit(settings.EBAKUL_SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "portal/auth/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/auth/password_reset_complete.html"


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    if notification.url and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("portal:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_all_read(user=request.user)
    messages.success(request, MSG_ALL_READ)
    return redirect("portal:notifications")


@login_required
def receipt(request, pk: int):
    """Receipt photos are personal data: served only to those who may see the purchase."""
    purchase = get_object_or_404(purchases_visible_to(request.user), pk=pk)
    if not purchase.receipt:
        raise Http404
    return private_file_response(purchase.receipt, stem=f"nota-{purchase.pk}")


@login_required
def appeal_evidence(request, pk: int):
    """Appeal evidence: only for the appeal's employee and the desk users who may see the
    appeal (``appeals_visible_to``); photos inline, PDFs as a download."""
    appeal = get_object_or_404(appeals_visible_to(request.user), pk=pk)
    if not appeal.evidence:
        raise Http404
    return private_file_response(appeal.evidence, stem=f"bukti-sanggahan-{appeal.pk}")


@login_required
def contest_evidence(request, pk: int):
    """The new evidence an employee gave when asking for a review: as private as a receipt."""
    purchase = get_object_or_404(purchases_visible_to(request.user), pk=pk)
    if not purchase.contest_evidence:
        raise Http404
    return private_file_response(
        purchase.contest_evidence, stem=f"bukti-tinjau-ulang-{purchase.pk}"
    )


MSG_PASSWORD_RESET_WITH_CODE = _("Your new password is set. Log in with it.")


@require_http_methods(["GET", "POST"])
def password_reset_code(request):
    """Choose a new password with a one-time code issued at the desk (docs/adr/0161)."""
    from django.core.exceptions import ValidationError

    from ebakul.accounts.recovery import recovery_code_redeem
    from ebakul.core.errors import DomainError

    from .forms import RecoveryCodeForm

    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_code_redeem(**form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, MSG_PASSWORD_RESET_WITH_CODE)
            return redirect("portal:login")
    return render(request, "portal/auth/password_reset_code.html", {"form": form})


SHELL_VERSION = "1"


def offline(request):
    """The page the service worker shows when a page cannot be loaded (no personal data)."""
    return render(request, "portal/offline.html")


def manifest(request):
    return render(request, "portal/manifest.webmanifest", content_type="application/manifest+json")


def service_worker(request):
    """Served from the root so that it may control every portal page."""
    from django.conf import settings as django_settings

    response = render(
        request,
        "portal/sw.js",
        {"version": f"{SHELL_VERSION}-{getattr(django_settings, 'EBAKUL_VERSION', '')}"},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response
