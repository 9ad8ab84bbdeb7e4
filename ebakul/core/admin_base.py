"""Shared building blocks of the desk (Django admin themed with django-unfold).

The desk is an interface: it parses a form, calls a service and renders the result. Three rules
are enforced here so every ModelAdmin gets them by inheriting one class:

* writes go through services (``save_model`` calls ``service_create`` / ``service_update``);
  a service that refuses (``ValidationError`` or ``DomainError``) rolls the whole request back
  and the form is shown again with the message on the right field;
* history is visible but never reverted from the desk (a revert would bypass the workflow);
* only desk roles reach the desk at all (``ebakul.accounts.desk.desk_has_permission``).
"""

from django.contrib.admin.filters import DateFieldListFilter, FieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import DropdownFilter
from unfold.decorators import display

from ebakul.core.errors import DomainError
from ebakul.core.periods import clean_period
from ebakul.core.services import record_save

# --- Services behind the forms -----------------------------------------------------------------


class ServiceRefused(Exception):
    """Raised inside ``save_model`` to roll back the request and show the form again."""

    def __init__(self, errors: list[tuple[str | None, list[str]]]):
        super().__init__(errors)
        self.errors = errors


def refusal_errors(exc: Exception) -> list[tuple[str | None, list[str]]]:
    """(field or None, messages) pairs from a service's ValidationError or DomainError."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [
                (None if field == "__all__" else field, ValidationError(errs).messages)
                for field, errs in exc.error_dict.items()
            ]
        return [(None, exc.messages)]
    if isinstance(exc, DomainError):
        return [(exc.field, [str(exc.message)])]
    raise exc


def form_values(form, *, changed_only: bool = False) -> dict:
    """The model field values of a valid ModelForm, for a service's keyword arguments."""
    model_fields = {
        f.name
        for f in form._meta.model._meta.get_fields()
        if getattr(f, "concrete", False) and not f.many_to_many
    }
    names = form.changed_data if changed_only else list(form.cleaned_data)
    return {n: form.cleaned_data[n] for n in names if n in model_fields and n in form.cleaned_data}


def adopt(obj, saved) -> None:
    """Let the admin's form instance become the object a service created (pk, number, ...)."""
    if saved is not obj:
        obj.__dict__.update(saved.__dict__)


class ServiceAdminMixin:
    """``save_model`` calls a service. Subclasses override ``service_create`` and
    ``service_update``; the default saves reference/configuration records with
    ``core.services.record_save`` (full_clean, history user, save)."""

    def service_create(self, request, obj, form):
        return record_save(instance=obj, actor=request.user)

    def service_update(self, request, obj, form):
        return record_save(instance=obj, actor=request.user)

    def save_model(self, request, obj, form, change):
        try:
            saved = (
                self.service_update(request, obj, form)
                if change
                else self.service_create(request, obj, form)
            )
        except (ValidationError, DomainError) as exc:
            raise ServiceRefused(refusal_errors(exc)) from exc
        if saved is not None:
            adopt(obj, saved)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The first pass rolled back (changeform_view is atomic). The second pass validates
            # the same POST with the service's errors attached, so Django renders the form.
            request._desk_refused = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refused = getattr(request, "_desk_refused", None)
        if not refused:
            return form_class

        class RefusedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                for field, messages in refused:
                    self.add_error(field if field in self.fields else None, messages)

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm


# --- Base classes ------------------------------------------------------------------------------


class PeriodWordsMixin:
    """A ``period`` column reads "November 2026", not ``2026-11`` (issue 13); it still sorts by
    the code, which is also what filters and URLs use."""

    def get_list_display(self, request):
        return [
            "period_words" if name == "period" else name
            for name in super().get_list_display(request)
        ]

    @display(description=_("period"), ordering="period")
    def period_words(self, obj):
        from ebakul.core.periods import period_label

        return period_label(obj.period) if getattr(obj, "period", "") else "-"


class DeskAdmin(PeriodWordsMixin, ServiceAdminMixin, ModelAdmin):
    """Unfold ModelAdmin whose writes go through services."""

    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False

    def scoped(self, request, queryset: QuerySet) -> QuerySet:
        """Apply the admin's ordering to a selector's (row-scoped) queryset."""
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset


class DeskHistoryAdmin(PeriodWordsMixin, ServiceAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    """DeskAdmin for documents with django-simple-history: history visible, never reverted."""

    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False

    scoped = DeskAdmin.scoped

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POSTed old version even with revert disabled; an old version
        # carries an old status, so the desk refuses it outright.
        if request.method == "POST":
            raise PermissionDenied
        self.get_object_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the newest history row when ``get_queryset`` excludes
        # the object; here an object outside the user's rows does not exist (docs/adr/0088).
        self.get_object_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_object_in_scope(self, request, object_id):
        """The object through the admin's row scoping (``get_queryset``), or 404. Deleted
        objects are out of scope too: their history rows stay in the database for audits."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not (self.has_view_permission(request, obj) or self.has_change_permission(request, obj)):
            raise PermissionDenied
        return obj


class ReadOnlyAdminMixin:
    """Records written only by the system (notifications, sequences, verification spans)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(ReadOnlyAdminMixin, TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class NoDeleteMixin:
    """Documents are never deleted from the desk: they are rejected, suspended or deactivated."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


# --- Filters -----------------------------------------------------------------------------------


class ChoicesValueFilter(DropdownFilter):
    """A dropdown over a fixed set of (value, label) pairs on ``field_path``.

    Status fields are free text in the database (workflows may add states), so the standard
    choices filter does not apply; subclasses set ``options`` and ``field_path``."""

    field_path = ""
    options: tuple = ()

    def lookups(self, request, model_admin):
        return list(self.options)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: self.value()})
        return queryset


class PeriodFilter(DropdownFilter):
    """Periods (YYYY-MM) present in the rows this user may see, newest first."""

    title = _("period")
    parameter_name = "period"
    field_path = "period"

    def lookups(self, request, model_admin):
        periods = (
            model_admin.get_queryset(request)
            .order_by(f"-{self.field_path}")
            .values_list(self.field_path, flat=True)
            .distinct()
        )
        return [(p, p) for p in periods]

    def queryset(self, request, queryset):
        if self.value():
            # The one strict parser: "2026-10\n", other scripts' digits and year 0 are refused
            # (Django answers IncorrectLookupParameters with the unfiltered list and ?e=1).
            try:
                period = clean_period(self.value())
            except ValidationError as exc:
                raise IncorrectLookupParameters(exc) from exc
            return queryset.filter(**{self.field_path: period})
        return queryset


class BoundedDateFieldListFilter(DateFieldListFilter):
    """Django's date filter, refusing dates a time zone conversion cannot handle: a tampered
    ``?start_time__gte=0001-01-01`` otherwise overflows when the query runs (a 500, after the
    point where Django turns bad filter values into ``?e=1``). Registered for every date field
    of every admin, third-party ones included (``django_celery_beat``)."""

    def queryset(self, request, queryset):
        for values in self.used_parameters.values():
            for value in values if isinstance(values, list | tuple) else [values]:
                parsed = parse_datetime(str(value)) or parse_date(str(value))
                if parsed is not None and not 1900 <= parsed.year <= 9000:
                    raise IncorrectLookupParameters(value)
        return super().queryset(request, queryset)


FieldListFilter.register(
    lambda f: isinstance(f, models.DateField), BoundedDateFieldListFilter, take_priority=True
)


__all__ = [
    "ChoicesValueFilter",
    "DeskAdmin",
    "DeskHistoryAdmin",
    "NoDeleteMixin",
    "PeriodFilter",
    "ReadOnlyAdminMixin",
    "ReadOnlyTabularInline",
    "ServiceAdminMixin",
    "ServiceRefused",
    "adopt",
    "form_values",
    "refusal_errors",
]
