"""Desk list filters that know the employees app's scoping."""

import re

from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter

from .selectors import work_units_visible_to


class ScopedWorkUnitFilter(DropdownFilter):
    """Work units the user may see (an OPD operator: only their own)."""

    title = _("work unit")
    parameter_name = "unit"
    field_path = "work_unit_id"

    def lookups(self, request, model_admin):
        return [(str(u.pk), str(u)) for u in work_units_visible_to(request.user).order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            # An id is ASCII digits; anything else would reach the database lookup (a 500).
            if not re.fullmatch(r"[0-9]{1,18}", self.value()):
                raise IncorrectLookupParameters(self.value())
            return queryset.filter(**{self.field_path: self.value()})
        return queryset
