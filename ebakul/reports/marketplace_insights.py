"""The marketplace's sections of "Potensi usaha baru" (docs/adr/0411): searches that found
nothing or little, and businesses viewed often but rarely ordered from. Registered by
``ReportsConfig.ready``; reports reads the marketplace, never the other way round."""

from django.utils.translation import gettext as _

from ebakul.core.periods import period_label
from ebakul.marketplace.selectors import merchants_viewed_not_ordered, unmet_searches

from .insights import UNMET_SEARCHES, VIEWS_WITHOUT_ORDERS, InsightSection

# In public, a search term is shown only when many searched it: a term typed by one person may
# name that person, and a rare term tells nobody about demand.
PUBLIC_MIN_SEARCHES = 5
ROWS = 30


def unmet_searches_provider(*, period: str, public: bool) -> InsightSection | None:
    rows = list(
        unmet_searches(
            period_from=period,
            period_to=period,
            min_searches=PUBLIC_MIN_SEARCHES if public else 1,
        )[:ROWS]
    )
    if not rows:
        return None
    return InsightSection(
        key=UNMET_SEARCHES,
        title=_("Searches that found nothing or little"),
        note=_("Words employees searched for in the local market of %(month)s, without who.")
        % {"month": period_label(period)},
        columns=(_("Word searched"), _("Kecamatan"), _("Searches"), _("Nothing found")),
        rows=tuple(
            (
                r["term"],
                r["kecamatan__name"] or _("unknown"),
                str(r["searches"]),
                str(r["empty"]),
            )
            for r in rows
        ),
    )


def views_without_orders_provider(*, period: str, public: bool) -> InsightSection | None:
    if public:  # a named business with few orders is not for the public page
        return None
    rows = list(merchants_viewed_not_ordered(period=period)[:ROWS])
    if not rows:
        return None
    return InsightSection(
        key=VIEWS_WITHOUT_ORDERS,
        title=_("Businesses viewed often, ordered from rarely"),
        note=_("Pages of the local market seen at least 20 times in %(month)s.")
        % {"month": period_label(period)},
        columns=(_("Business"), _("Kecamatan"), _("Page views"), _("Orders")),
        rows=tuple(
            (
                r["merchant__business_name"],
                r["merchant__kecamatan__name"] or "",
                str(r["views"]),
                str(r["orders"]),
            )
            for r in rows
        ),
    )


def register() -> None:
    from .insights import register_insight

    register_insight(UNMET_SEARCHES, unmet_searches_provider)
    register_insight(VIEWS_WITHOUT_ORDERS, views_without_orders_provider)
