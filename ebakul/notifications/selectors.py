from django.db.models import Count

from .models import OutboxMessage, OutboxState


def outbox_counts() -> dict[str, int]:
    """Number of messages in each state (every state present, zero when none)."""
    counts = {s.value: 0 for s in OutboxState}
    for row in OutboxMessage.objects.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def oldest_queued_age_seconds(now) -> float | None:
    """Age of the oldest message still waiting (queued or being sent), or None."""
    oldest = (
        OutboxMessage.objects.filter(state__in=[OutboxState.QUEUED, OutboxState.SENDING])
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if oldest is None else (now - oldest).total_seconds()
