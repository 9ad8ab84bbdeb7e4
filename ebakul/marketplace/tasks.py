from celery import shared_task

from . import services


@shared_task
def orders_time_out() -> dict[str, int]:
    """Expire orders nobody acted on; complete handed-over orders nobody objected to."""
    return services.orders_time_out()


@shared_task
def reindex_synonym_listings(groups: list[list[str]]) -> int:
    """After a synonym changed: rebuild the search text of the listings it touches
    (``services.reindex_listings``; idempotent, safe to run twice)."""
    return services.reindex_listings(groups)
