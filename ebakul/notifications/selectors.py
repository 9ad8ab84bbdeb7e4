from django.db.models import Count

from .models import OutboxMessage, OutboxState


def outbox_counts() -> dict[str, int]:
    """Number of messages in each state (every state present, zero when none)."""
    counts = {s.value: 0 for s in OutboxState}
    for row in OutboxMessage.objects.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts
