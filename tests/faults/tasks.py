"""A background task for the fault tests, loaded by the test's worker (``-I tests.faults.tasks``).

It stands in for the work a purchase starts (fingerprints, OCR, notifications: other apps add
them through ``core.dispatch``) and leaves a trace the test can count: one line per run."""

from pathlib import Path

from celery import shared_task

RECORD_TASK = "tests.faults.tasks.record_purchase"


@shared_task(name=RECORD_TASK)
def record_purchase(purchase_id: int, trace: str) -> None:
    from ebakul.purchases.models import Purchase

    number = Purchase.objects.values_list("document_number", flat=True).get(pk=purchase_id)
    with Path(trace).open("a", encoding="utf-8") as fh:
        fh.write(f"{purchase_id} {number}\n")
