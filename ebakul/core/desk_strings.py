"""Indonesian for the desk theme's own words.

django-unfold ships no Indonesian catalogue, so the strings it shows most are listed here for
``makemessages``; their Indonesian lives in ``ebakul/core/locale`` and Django's translation
merge applies it to unfold's templates as well. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

UNFOLD_STRINGS = [
    gettext_noop("Filters"),
    gettext_noop("Apply Filters"),
    gettext_noop("Reset filters"),
    gettext_noop("Clear all filters"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("All"),
    gettext_noop("Select action"),
    gettext_noop("Select record"),
    gettext_noop("Run"),
    gettext_noop("Run the selected action"),
    gettext_noop("Type to search"),
    gettext_noop("Search apps and models..."),
    gettext_noop("All applications"),
    gettext_noop("No results found"),
    gettext_noop("No results matching your query"),
    gettext_noop("This page yielded into no results. Create a new item or reset your filters."),
    gettext_noop("Recent searches"),
    gettext_noop("No recent searches"),
    gettext_noop("Loading more results..."),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("More actions"),
    gettext_noop("Expand row"),
    gettext_noop("Select all rows"),
    gettext_noop("Clear selection"),
    gettext_noop("Toggle sorting"),
    gettext_noop("Remove from sorting"),
    gettext_noop("Go back"),
    gettext_noop("Light"),
    gettext_noop("Dark"),
    gettext_noop("System"),
    gettext_noop("General"),
    gettext_noop("Summary"),
    gettext_noop("No data"),
    gettext_noop("Unknown"),
    gettext_noop("Click to download"),
    gettext_noop("Click to cancel"),
    gettext_noop("Record picture"),
    gettext_noop("From"),
    gettext_noop("To"),
    gettext_noop("Date from"),
    gettext_noop("Date to"),
    gettext_noop("Time"),
    gettext_noop("Value"),
]
