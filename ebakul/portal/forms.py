"""Forms of the portal. They parse and check input; services do the writing."""

import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ebakul.accounts.forms import MSG_LOCKED, LockoutMixin
from ebakul.accounts.services import MSG_USERNAME_TAKEN
from ebakul.compliance.evidence import EVIDENCE_POLICY
from ebakul.compliance.services import APPEAL_REASON_MIN_LENGTH, MSG_APPEAL_REASON_SHORT
from ebakul.core.uploads import CleanFileFormField
from ebakul.core.validators import MSG_AMOUNT_POSITIVE, MSG_NOT_IN_FUTURE, normalize_phone
from ebakul.merchants.models import Kecamatan, MerchantCategory, UmkmMerchant
from ebakul.merchants.qris import MSG_QRIS_EMPTY
from ebakul.merchants.selectors import merchants_selectable
from ebakul.purchases.dates import validate_purchase_date
from ebakul.purchases.models import PaymentMethod
from ebakul.purchases.receipts import RECEIPT_POLICY

__all__ = ["MSG_LOCKED"]  # re-exported: the portal's login messages live with its forms
MSG_BAD_LOGIN = _("The NIP / username or the password is wrong. Check both and try again.")
MSG_MERCHANT_NOT_SELECTABLE = _(
    "This business cannot be chosen: only verified local businesses count. Pick one from the list."
)
MSG_AMOUNT_FORMAT = _("Write the amount in whole rupiah, for example 25000.")
MSG_USERNAME_FORMAT = _("Use 3 to 30 letters, digits, dots, dashes or underscores, without spaces.")
MSG_PASSWORD_MISMATCH = _("The two passwords are not the same.")

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DATETIME_INPUT_SECONDS = "%Y-%m-%dT%H:%M:%S"


class LoginForm(LockoutMixin, auth_forms.AuthenticationForm):
    """Employees log in with their NIP, merchants and staff with their username."""

    username = auth_forms.UsernameField(
        label=_("NIP or username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    # Own msgid (with context): Django's admin catalogue says "Sandi", the programme "Kata sandi".
    password = forms.CharField(
        label=pgettext_lazy("portal", "Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": MSG_BAD_LOGIN,
        "inactive": _("This account is inactive."),
    }


class ClearsForcedChangeMixin:
    """The forced change at first login is done once the user picked a password (by changing
    it or by a reset link)."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = False
        if commit:
            user.save(update_fields=["password", "must_change_password"])
        return user


class PasswordChangeForm(ClearsForcedChangeMixin, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(ClearsForcedChangeMixin, auth_forms.SetPasswordForm):
    pass


class MerchantAccountForm(forms.Form):
    """Step 1 of the merchant self-registration: the login account."""

    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    username = forms.CharField(
        label=_("Username"),
        max_length=30,
        help_text=_("You will log in with this name."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Needed to reset a forgotten password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=pgettext_lazy("portal", "Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[A-Za-z0-9._-]{3,30}", username):
            raise ValidationError(MSG_USERNAME_FORMAT, code="username_format")
        # mirrors the rule user_create enforces, to show the message with the form
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(MSG_USERNAME_TAKEN, code="username_taken")
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", ValidationError(MSG_PASSWORD_MISMATCH, code="mismatch"))
        elif p1:
            user = get_user_model()(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("full_name", ""),
            )
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class MerchantBusinessForm(forms.ModelForm):
    """Step 2: the business. Also used to fix and resubmit."""

    # Longer than the stored 16 characters: "+62 812-3456-7890" is cleaned before it is checked.
    phone = forms.CharField(
        label=UmkmMerchant._meta.get_field("phone").verbose_name,
        max_length=32,
        required=False,
        help_text=_("For example 081234567890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = UmkmMerchant
        fields = [
            "business_name",
            "owner_name",
            "owner_nik",
            "owner_kk",
            "nib",
            "category",
            "kecamatan",
            "village",
            "address",
            "phone",
            "qris_nmid",
        ]
        widgets = {
            "owner_nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "owner_kk": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "nib": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 13}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }
        help_texts = {
            "owner_nik": _("16 digits, as on the KTP."),
            "nib": _("13 digits, from OSS."),
            "qris_nmid": _("Optional. Printed under the QRIS code, starts with ID."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MerchantCategory.objects.filter(active=True)
        self.fields["kecamatan"].queryset = Kecamatan.objects.all()
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["kecamatan"].empty_label = _("Choose a kecamatan")

    def clean_phone(self):
        # Written as on a name card (0812-3456-7890, +62 812...): cleaned, not refused.
        return normalize_phone(self.cleaned_data.get("phone", ""))


class RupiahField(forms.IntegerField):
    """Accepts 25000, 25.000 or Rp25.000."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)^\s*rp\.?\s*", "", value).replace(".", "").replace(" ", "")
            if value and not re.fullmatch(r"-?\d+", value):
                raise ValidationError(MSG_AMOUNT_FORMAT, code="invalid")
        return super().to_python(value)


class MerchantChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": MSG_MERCHANT_NOT_SELECTABLE}


class ReceiptField(CleanFileFormField):
    """The receipt photo: checked by content (not by file name: a phone may call a JPEG
    "image"), re-encoded and named by the server (ebakul.core.uploads)."""

    def __init__(self, **kwargs):
        super().__init__(policy=RECEIPT_POLICY.name, **kwargs)


class PurchaseForm(forms.Form):
    merchant = MerchantChoiceField(
        label=_("Business"), queryset=UmkmMerchant.objects.none(), widget=forms.HiddenInput
    )
    purchased_at = forms.DateTimeField(
        label=_("When did you buy?"),
        input_formats=[DATETIME_INPUT_SECONDS, DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        # Seconds kept in the prefilled "now" so a purchase recorded right after the seller was
        # verified is not dated before the verification (truncated to the minute).
        widget=forms.DateTimeInput(
            format=DATETIME_INPUT_SECONDS, attrs={"type": "datetime-local", "step": "1"}
        ),
    )
    amount = RupiahField(
        label=_("Amount paid (Rp)"),
        min_value=1,
        error_messages={"min_value": MSG_AMOUNT_POSITIVE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "25000"}),
    )
    description = forms.CharField(
        label=_("What did you buy?"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("for example: lunch, batik cloth")}),
    )
    payment_method = forms.ChoiceField(
        label=_("Paid with"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH
    )
    qris_reference = forms.CharField(
        label=_("QRIS reference number"),
        max_length=64,
        required=False,
        help_text=_("Only for QRIS payments: the reference on the payment proof."),
    )
    client_key = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-client-key": ""}),
    )
    receipt = ReceiptField(
        label=_("Photo of the receipt"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Take a photo with the camera or choose a picture (JPEG, PNG or WebP)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Forged POSTs cannot pick anything else: the queryset is the rule.
        self.fields["merchant"].queryset = merchants_selectable()

    def clean_purchased_at(self):
        value = self.cleaned_data["purchased_at"]
        if value:
            # From the programme's start, not in the future; checked on the year first, so a
            # date such as 0001-01-01 is a form error rather than a time zone overflow.
            validate_purchase_date(value)
            if value > timezone.now():
                raise ValidationError(MSG_NOT_IN_FUTURE, code="in_future")
        return value


class MerchantSearchForm(forms.Form):
    q = forms.CharField(label=_("Business name"), required=False, max_length=100)
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.all(),
        required=False,
        empty_label=_("All kecamatan"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=MerchantCategory.objects.filter(active=True),
        required=False,
        empty_label=_("All categories"),
    )


class DisputeForm(forms.Form):
    comment = forms.CharField(
        label=_("Why do you dispute this sale?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the appeal"),
        # mirrors the rule appeal_create enforces, to show the message before a round trip
        min_length=APPEAL_REASON_MIN_LENGTH,
        error_messages={"min_length": MSG_APPEAL_REASON_SHORT},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    evidence = CleanFileFormField(
        policy=EVIDENCE_POLICY.name,
        label=_("Supporting document"),
        required=False,
        help_text=_("A photo or PDF, for example a leave letter."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )


class ContestForm(forms.Form):
    """Ask for a rejected purchase to be reviewed again: a required comment, optional photo."""

    comment = forms.CharField(
        label=_("Why should it be reviewed again?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = ReceiptField(
        label=_("New evidence (optional)"),
        required=False,
        help_text=_("For example a clearer photo of the receipt."),
    )


class RecoveryCodeForm(forms.Form):
    """Redeem a reset code issued at the desk (ebakul.accounts.recovery)."""

    username = forms.CharField(
        label=_("NIP or username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    code = forms.CharField(
        label=_("Reset code"),
        max_length=20,
        help_text=_("The 8 digits you received from your OPD operator or the verification team."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    new_password_again = forms.CharField(
        label=_("Repeat the new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class QrisForm(forms.Form):
    """A merchant's QRIS (issue 15): a photo of the sticker, or the text pasted from a QRIS app.
    The merchant service parses and checks it (ebakul/merchants/qris.py); this only requires one
    of the two."""

    photo = forms.FileField(
        label=_("Photo of the QRIS sticker"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    payload = forms.CharField(
        label=_("Or paste the QRIS text"),
        required=False,
        max_length=512,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("photo") and not (data.get("payload") or "").strip():
            raise forms.ValidationError(MSG_QRIS_EMPTY)
        return data


class ScanForm(forms.Form):
    """A photo of a business's QRIS sticker or eBakul poster, to pick the business."""

    photo = forms.FileField(
        label=_("Photo of the QRIS or the eBakul poster"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
