"""Celery tasks of the integrity app: thin wrappers over services."""

from celery import shared_task

from . import services


@shared_task(name="ebakul.integrity.tasks.fingerprint_purchase")
def fingerprint_purchase_task(purchase_id: int) -> dict:
    risk = services.fingerprint_and_score(purchase_id)
    return {"purchase": purchase_id, "score": risk.score if risk else None}


@shared_task(name="ebakul.integrity.tasks.scan_period")
def scan_period_task(period: str) -> dict:
    from .behaviour import scan_period

    return scan_period(period)
