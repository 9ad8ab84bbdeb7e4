"""Filter forms of the reports (GET). Choice lists are scoped to the reader: an OPD operator is
offered only their own units."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ebakul.core.periods import current_period, previous_period, validate_period
from ebakul.employees.models import EmployeeClass
from ebakul.employees.selectors import work_units_visible_to
from ebakul.merchants.models import Kecamatan, MerchantCategory

PURCHASE_STATUS_CHOICES = [
    ("verified", _("Verified")),
    ("pending", _("Waiting (submitted, confirmed or disputed)")),
    ("all", _("Verified and waiting")),
]
COMPLIANCE_STATUS_CHOICES = [
    ("", _("All")),
    ("compliant", _("Compliant")),
    ("shortfall", _("Below target")),
    ("exempt", _("Exempt")),
]
LIMIT_CHOICES = [("10", "10"), ("50", "50"), ("100", "100"), ("0", _("All"))]


class PeriodField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("strip", False)  # "2026-10\n" is refused, not silently trimmed
        kwargs.setdefault("validators", [validate_period])
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(**kwargs)


class ReportFilterForm(forms.Form):
    """Base: subclasses list the fields they use; ``period`` defaults to the current month."""

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].queryset = work_units_visible_to(user).order_by("name")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "border border-base-200 rounded-default px-3 py-2 bg-white shadow-xs "
                "dark:bg-base-900 dark:border-base-700",
            )

    @classmethod
    def defaults(cls) -> dict:
        return {"period": current_period(), "status": "verified", "limit": "50"}

    @classmethod
    def bind(cls, params, *, user):
        """A bound form from query parameters, with the defaults for anything absent."""
        data = {k: v for k, v in cls.defaults().items() if k in cls.base_fields}
        for key in cls.base_fields:
            if params.get(key) not in (None, ""):
                data[key] = params.get(key)
        return cls(data, user=user)


def _unit():
    return forms.ModelChoiceField(
        label=_("Work unit"), queryset=None, required=False, empty_label=_("All units")
    )


def _class():
    return forms.ModelChoiceField(
        label=_("Job class"),
        queryset=EmployeeClass.objects.order_by("number"),
        required=False,
        empty_label=_("All classes"),
    )


def _kecamatan():
    return forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.order_by("name"),
        required=False,
        empty_label=_("All kecamatan"),
    )


def _category():
    return forms.ModelChoiceField(
        label=_("Category"),
        queryset=MerchantCategory.objects.order_by("name"),
        required=False,
        empty_label=_("All categories"),
    )


class ConsumptionMapForm(ReportFilterForm):
    period = PeriodField(label=_("Period"))
    category = _category()
    kecamatan = _kecamatan()
    unit = _unit()
    status = forms.ChoiceField(label=_("Purchase status"), choices=PURCHASE_STATUS_CHOICES)


class MerchantsForm(ReportFilterForm):
    period = PeriodField(label=_("Period"))
    category = _category()
    kecamatan = _kecamatan()
    unit = _unit()
    limit = forms.ChoiceField(label=_("Show"), choices=LIMIT_CHOICES)


class TrendForm(ReportFilterForm):
    period_from = PeriodField(label=_("From"))
    period_to = PeriodField(label=_("To"))
    unit = _unit()
    employee_class = _class()

    @classmethod
    def defaults(cls) -> dict:
        to = current_period()
        start = to
        for _i in range(11):
            start = previous_period(start)
        return {"period_from": start, "period_to": to}


class ComplianceForm(ReportFilterForm):
    period = PeriodField(label=_("Period"))
    unit = _unit()
    employee_class = _class()


class EmployeeStatusForm(ComplianceForm):
    status = forms.ChoiceField(label=_("Status"), choices=COMPLIANCE_STATUS_CHOICES, required=False)

    @classmethod
    def defaults(cls) -> dict:
        return {"period": current_period()}


class DeductionRegisterForm(ComplianceForm):
    pass


class DemandInsightsForm(forms.Form):
    """The month of "Potensi usaha baru"; empty means the last month that is over."""

    period = PeriodField(label=_("Month"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs.setdefault(
            "class",
            "border border-base-200 rounded-default px-3 py-2 bg-white shadow-xs "
            "dark:bg-base-900 dark:border-base-700",
        )

    def chosen_period(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("period"):
            return self.cleaned_data["period"]
        return previous_period(current_period())
