"""Receipts are data, never code (issue 10, findings 1 and 11): whatever the client calls the
file, what is stored is a re-encoded image under a server-chosen name, served with its real
type, ``nosniff`` and a sandboxing CSP."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from ebakul.core.periods import WIB
from ebakul.core.uploads import MSG_UPLOAD_TOO_MANY_PIXELS
from ebakul.purchases.models import Purchase
from ebakul.purchases.receipts import MSG_RECEIPT_NOT_IMAGE
from tests.factories import EmployeeFactory, verified_merchant
from tests.testing.images import receipt_image_bytes

from .payloads import SVG_WITH_SCRIPT, png_header_only, png_with_script

pytestmark = pytest.mark.django_db

STORED = re.compile(r"^receipts/\d{4}-\d{2}/[0-9a-f]{64}\.(jpg|png)$")


def _purchase_data(merchant, receipt):
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    return {
        "merchant": merchant.pk,
        "purchased_at": when.strftime("%Y-%m-%dT%H:%M"),
        "amount": "75.000",
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": receipt,
    }


def _stored_bytes(purchase) -> bytes:
    with purchase.receipt.open("rb") as f:
        return f.read()


def _indonesian(message, **params) -> str:
    with translation.override("id"):
        text = str(message)
    return text % params if params else text


def assert_served_as_image(response, content_type: str):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp.split(";")[0] and "default-src 'none'" in csp
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]


def test_png_with_script_named_html_is_stored_and_served_as_png(employee_client, employee, shop):
    upload = SimpleUploadedFile("struk.html", png_with_script(), content_type="text/html")

    response = employee_client.post(reverse("portal:purchase_new"), _purchase_data(shop, upload))

    assert response.status_code == 302
    purchase = Purchase.objects.get(employee=employee)
    assert STORED.match(purchase.receipt.name), purchase.receipt.name
    assert purchase.receipt.name.endswith(".png")
    stored = _stored_bytes(purchase)
    assert b"<script" not in stored and b"<html" not in stored
    assert Image.open(io.BytesIO(stored)).format == "PNG"
    # The fingerprint is of the stored bytes, the same hash that names the file.
    assert purchase.receipt_sha256 == hashlib.sha256(stored).hexdigest()
    assert purchase.receipt.name.endswith(f"/{purchase.receipt_sha256}.png")

    served = employee_client.get(reverse("portal:receipt", args=[purchase.pk]))
    assert_served_as_image(served, "image/png")
    assert f'filename="nota-{purchase.pk}.png"' in served["Content-Disposition"]
    assert b"<script" not in b"".join(served.streaming_content)


def test_png_with_script_through_the_desk_add_form(client, admin_user):
    employee, merchant = EmployeeFactory(), verified_merchant()
    client.force_login(admin_user)
    when = (timezone.now() - dt.timedelta(hours=2)).astimezone(WIB)
    data = {
        "employee": employee.pk,
        "merchant": merchant.pk,
        "purchased_at_0": when.strftime("%Y-%m-%d"),
        "purchased_at_1": when.strftime("%H:%M:%S"),
        "amount": "75000",
        "category": merchant.category_id,
        "description": "Nasi pecel",
        "payment_method": "cash",
        "qris_reference": "",
        "receipt": SimpleUploadedFile("struk.html", png_with_script(), "text/html"),
    }

    response = client.post(reverse("admin:purchases_purchase_add"), data)

    assert response.status_code == 302
    purchase = Purchase.objects.get(employee=employee)
    assert STORED.match(purchase.receipt.name) and purchase.receipt.name.endswith(".png")
    stored = _stored_bytes(purchase)
    assert b"<script" not in stored
    assert purchase.receipt_sha256 == hashlib.sha256(stored).hexdigest()
    assert_served_as_image(client.get(reverse("portal:receipt", args=[purchase.pk])), "image/png")


@pytest.mark.parametrize(
    ("name", "fmt", "stored_ext", "content_type"),
    [
        ("shell.php", "JPEG", ".jpg", "image/jpeg"),
        ("gambar.svg", "PNG", ".png", "image/png"),
        ("foto.webp.html", "WEBP", ".jpg", "image/jpeg"),
    ],
)
def test_valid_image_with_a_hostile_name_gets_the_stored_formats_extension(
    employee_client, employee, shop, name, fmt, stored_ext, content_type
):
    upload = SimpleUploadedFile(name, receipt_image_bytes(seed=5, fmt=fmt), "application/x-php")

    response = employee_client.post(reverse("portal:purchase_new"), _purchase_data(shop, upload))

    assert response.status_code == 302
    purchase = Purchase.objects.get(employee=employee)
    assert STORED.match(purchase.receipt.name) and purchase.receipt.name.endswith(stored_ext)
    served = employee_client.get(reverse("portal:receipt", args=[purchase.pk]))
    assert_served_as_image(served, content_type)


def _refused(response, field="receipt"):
    assert response.status_code == 200
    return response.context["form"].errors[field]


def test_svg_content_is_refused_and_nothing_stored(employee_client, shop, media_files):
    before = media_files()
    upload = SimpleUploadedFile("nota.svg", SVG_WITH_SCRIPT, "image/svg+xml")

    response = employee_client.post(reverse("portal:purchase_new"), _purchase_data(shop, upload))

    assert _refused(response) == [_indonesian(MSG_RECEIPT_NOT_IMAGE)]
    assert not Purchase.objects.exists()
    assert media_files() == before


@pytest.mark.parametrize(
    ("width", "height"),
    [(12_000, 12_000), (10_001, 100), (9_000, 9_000)],
    ids=["12000x12000", "side-over-10000", "81-megapixels"],
)
def test_huge_pixel_count_is_refused_from_the_header(
    employee_client, shop, media_files, width, height
):
    before = media_files()
    data = png_header_only(width, height)
    assert len(data) < 200  # tiny on the wire, huge once decoded
    upload = SimpleUploadedFile("nota.png", data, "image/png")

    response = employee_client.post(reverse("portal:purchase_new"), _purchase_data(shop, upload))

    # The pixel message (not "not an image"): refused from the header, before any decoding
    # (the pixel data is truncated, decoding it would fail with the other message).
    assert _refused(response) == [
        _indonesian(MSG_UPLOAD_TOO_MANY_PIXELS, megapixels=40, side="10.000")
    ]
    assert not Purchase.objects.exists()
    assert media_files() == before


def test_exif_orientation_applied_and_metadata_dropped(employee_client, employee, shop):
    img = Image.open(io.BytesIO(receipt_image_bytes(seed=3, size=(300, 200))))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "KameraRahasia"  # maker
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("IMG_0001.JPG", buf.getvalue(), "image/jpeg")

    response = employee_client.post(reverse("portal:purchase_new"), _purchase_data(shop, upload))

    assert response.status_code == 302
    stored = _stored_bytes(Purchase.objects.get(employee=employee))
    out = Image.open(io.BytesIO(stored))
    assert out.size == (200, 300)  # turned upright
    assert not out.getexif() and b"KameraRahasia" not in stored


def test_receipt_stored_by_an_earlier_version_is_served_by_its_content(
    employee_client, employee, shop
):
    """Old rows kept the client's extension (``….html``): still served, as what the bytes are."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.factories import PurchaseFactory

    purchase = PurchaseFactory(employee=employee, merchant=shop)
    old_name = default_storage.save(
        f"receipts/{purchase.period}/{'a' * 64}.html", ContentFile(png_with_script())
    )
    Purchase.objects.filter(pk=purchase.pk).update(receipt=old_name)

    served = employee_client.get(reverse("portal:receipt", args=[purchase.pk]))

    assert_served_as_image(served, "image/png")
    assert f'filename="nota-{purchase.pk}.png"' in served["Content-Disposition"]


def test_no_code_path_stores_an_uncleaned_file(employee, shop):
    """Straight through the ORM (no form, no service): the model field cleans in validation and
    again before saving."""
    from django.core.exceptions import ValidationError

    from tests.factories import PurchaseFactory

    purchase = PurchaseFactory(
        employee=employee,
        merchant=shop,
        receipt=SimpleUploadedFile("struk.html", png_with_script(), "text/html"),
    )
    assert STORED.match(purchase.receipt.name) and purchase.receipt.name.endswith(".png")
    assert b"<script" not in _stored_bytes(purchase)

    purchase.receipt = SimpleUploadedFile("nota.svg", SVG_WITH_SCRIPT, "image/svg+xml")
    with pytest.raises(ValidationError) as exc:
        purchase.full_clean()
    assert exc.value.message_dict["receipt"] == [_indonesian(MSG_RECEIPT_NOT_IMAGE)]
