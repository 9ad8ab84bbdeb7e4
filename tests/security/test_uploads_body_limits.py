"""Bodies over the limit are answered 413 before they are read in full (issue 10, findings 9
and 11): by ``CONTENT_LENGTH`` in the middleware, and by the upload handler for one file that
grows past the upload limit."""

import copy
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ebakul.core.periods import WIB
from ebakul.purchases.models import Purchase
from tests.testing.images import receipt_image_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class CountingStream:
    """A ``wsgi.input`` that counts what the server read of it."""

    def __init__(self, data: bytes):
        self._io = io.BytesIO(data)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = self._io.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = self._io.readline(size)
        self.read_bytes += len(line)
        return line


def test_body_over_the_limit_is_413_without_being_read(employee_client, shop):
    claimed = 100 * MB
    stream = CountingStream(b"x" * 4096)

    response = employee_client.generic(
        "POST",
        reverse("portal:purchase_new"),
        data=b"x",
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(claimed),
        **{"wsgi.input": stream},
    )

    assert response.status_code == 413
    assert stream.read_bytes == 0
    assert response["Content-Type"].startswith("text/html")
    with translation.override("id"):
        assert "terlalu besar" in response.content.decode()
    assert not Purchase.objects.exists()


def test_api_body_over_the_limit_is_problem_json(client, settings):
    stream = CountingStream(b"{}")
    response = client.generic(
        "POST",
        "/api/v1/employees/bulk/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        **{"wsgi.input": stream},
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 413 and body["type"].endswith("payload-too-large")
    assert stream.read_bytes == 0


def _multipart(fields: dict, file_field: str, filename: str, content: bytes, boundary: str):
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def test_upload_handler_stops_reading_a_file_over_the_upload_limit(employee_client, shop, settings):
    """Even where the path allows a larger body, one file past the upload limit stops the
    reading: the rest of the body is never read and nothing is saved."""
    settings.EBAKUL = copy.deepcopy(settings.EBAKUL)
    settings.EBAKUL["BODY_LIMITS"] = (("/", 200 * MB),)
    settings.EBAKUL["UPLOAD_MAX_BYTES"] = 1 * MB
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    big = receipt_image_bytes(seed=1) + b"\x00" * (20 * MB)
    csrf = {"csrfmiddlewaretoken": "x"}  # the 413 comes first, CSRF never sees the body
    body = _multipart(
        {
            **csrf,
            "merchant": shop.pk,
            "purchased_at": when.strftime("%Y-%m-%dT%H:%M"),
            "amount": "75000",
            "payment_method": "cash",
        },
        "receipt",
        "nota.jpg",
        big,
        "zzz",
    )
    stream = CountingStream(body)

    response = employee_client.generic(
        "POST",
        reverse("portal:purchase_new"),
        data=b"x",
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )

    assert response.status_code == 413
    assert stream.read_bytes < 3 * MB < len(body)
    assert not Purchase.objects.exists()
