import datetime as dt
import itertools
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integrity.generator import draw_receipt, jpeg, transform

_seeds = itertools.count(7000)


def upload(data: bytes, name: str = "nota.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def rng():
    return random.Random(next(_seeds))


@pytest.fixture
def make_purchase(ref, django_capture_on_commit_callbacks, settings):
    """purchase_create through the service (as portal, desk and import do), background work
    run as the queue would after commit. Without OCR: these tests are about the pictures, and the
    generated receipts' totals and dates are not the typed ones (the OCR signals and the reading
    before the system verifies are tested in tests/identity/test_ocr.py)."""
    settings.EBAKUL = {**settings.EBAKUL, "OCR_ON_UPLOAD": False}
    from ebakul.purchases.models import Purchase
    from ebakul.purchases.services import purchase_create
    from tests.factories import EmployeeFactory, verified_merchant

    def make(*, data: bytes, employee=None, merchant=None, amount=50_000, **kwargs):
        status = kwargs.pop("status", "submitted")
        employee = employee or EmployeeFactory()
        merchant = merchant or verified_merchant()
        with django_capture_on_commit_callbacks(execute=True):
            purchase = purchase_create(
                employee=employee,
                merchant=merchant,
                purchased_at=kwargs.pop(
                    "purchased_at", dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
                ),
                amount=amount,
                receipt=upload(data),
                actor=None,
                **kwargs,
            )
        Purchase.objects.filter(pk=purchase.pk).update(status=status)
        purchase.refresh_from_db()
        return purchase

    return make


def new_receipt(rng) -> bytes:
    return jpeg(draw_receipt(rng))


def copy_of(data: bytes, kind: str, rng) -> bytes:
    import io

    from PIL import Image

    return jpeg(transform(Image.open(io.BytesIO(data)).convert("RGB"), kind, rng))
