from celery import shared_task

from . import services


@shared_task
def orders_time_out() -> dict[str, int]:
    """Expire orders nobody acted on; complete handed-over orders nobody objected to."""
    return services.orders_time_out()
