import datetime as dt

from .models import PurchaseLimit

DEFAULT_MAX_AMOUNT = 10_000_000


def load(log=print) -> None:
    if not PurchaseLimit.objects.exists():
        PurchaseLimit.objects.create(
            effective_from=dt.date(2025, 1, 1),
            max_amount=DEFAULT_MAX_AMOUNT,
            note="Batas bawaan; administrator dapat mengubahnya.",
        )
        log("purchase limit: default created")
