"""Sections of "Potensi usaha baru" that other apps provide (docs/adr/0411).

The marketplace will know which searches found nothing and which merchants are viewed often but
rarely ordered from. Reports sits above it in the layers, so reports asks and the marketplace
answers: ``ReportsConfig.ready`` (or the coordinator's wiring) registers a provider per key with
``register_insight``; each section is one function call below, and it returns ``None`` while no
provider is registered, so the page renders nothing for it (no placeholder).

A provider is ``provider(*, period: str, public: bool) -> InsightSection | None``; with
``public=True`` it must return only figures fit for anybody (no person, small counts hidden).
"""

from collections.abc import Callable
from dataclasses import dataclass

UNMET_SEARCHES = "unmet_searches"
VIEWS_WITHOUT_ORDERS = "views_without_orders"
KEYS = (UNMET_SEARCHES, VIEWS_WITHOUT_ORDERS)


@dataclass(frozen=True)
class InsightSection:
    """What a provider returns: a title, an optional note, the column labels and the rows
    (already formatted for display, one tuple of strings per row)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


_providers: dict[str, Callable[..., InsightSection | None]] = {}


def register_insight(key: str, provider: Callable[..., InsightSection | None]) -> None:
    if key not in KEYS:
        raise ValueError(f"unknown insight section: {key}")
    _providers[key] = provider


def unregister_insight(key: str) -> None:
    _providers.pop(key, None)


def _section(key: str, *, period: str, public: bool) -> InsightSection | None:
    provider = _providers.get(key)
    if provider is None:
        return None
    return provider(period=period, public=public)


def unmet_searches_section(*, period: str, public: bool = False) -> InsightSection | None:
    """Searches that found nothing or little, by kecamatan and month (from the marketplace)."""
    return _section(UNMET_SEARCHES, period=period, public=public)


def views_without_orders_section(*, period: str, public: bool = False) -> InsightSection | None:
    """Merchants with many views and few orders (from the marketplace)."""
    return _section(VIEWS_WITHOUT_ORDERS, period=period, public=public)
