"""Forms of the marketplace pages (issue 17). They parse input; the marketplace services check
and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ebakul.core.uploads import CleanFileFormField
from ebakul.marketplace.models import Fulfilment, ListingKind
from ebakul.marketplace.photos import PHOTO_POLICY
from ebakul.merchants.models import Kecamatan, MerchantCategory

SORT_CHOICES = [
    ("relevance", _("Most relevant")),
    ("distance", _("Nearest")),
    ("price", _("Cheapest")),
    ("rating", _("Best rated")),
]
NEAR_CHOICES = [("", _("Anywhere")), ("work", _("Near my workplace")), ("home", _("Near home"))]
DAY_CHOICES = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=MerchantCategory.objects.filter(active=True),
        required=False,
        empty_label=_("All categories"),
        to_field_name="code",
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.all(),
        required=False,
        empty_label=_("All kecamatan"),
    )
    near = forms.ChoiceField(label=_("Near"), choices=NEAR_CHOICES, required=False)
    price_min = forms.IntegerField(label=_("Lowest price (Rp)"), required=False, min_value=0)
    price_max = forms.IntegerField(label=_("Highest price (Rp)"), required=False, min_value=0)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    delivers = forms.BooleanField(label=_("Delivers"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)


class ListingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ListingKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    price = forms.IntegerField(
        label=_("Price (Rp)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for price on request."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, initial="pcs")
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=MerchantCategory.objects.filter(active=True)
    )
    available = forms.BooleanField(label=_("Available"), required=False, initial=True)
    stock = forms.IntegerField(label=_("Stock"), required=False, min_value=0)
    photo = CleanFileFormField(label=_("Photo"), required=False, policy=PHOTO_POLICY.name)


class StorefrontForm(forms.Form):
    opens_at = forms.TimeField(
        label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes_at = forms.TimeField(
        label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    open_days = forms.MultipleChoiceField(
        label=_("Open days"),
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offers_pickup = forms.BooleanField(label=_("Pickup"), required=False)
    offers_delivery = forms.BooleanField(label=_("Delivery"), required=False)
    area_served = forms.ModelMultipleChoiceField(
        label=_("Area served"),
        queryset=Kecamatan.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PlaceOrderForm(forms.Form):
    fulfilment = forms.ChoiceField(
        label=_("Pickup or delivery"), choices=Fulfilment.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note for the merchant"), required=False, max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
