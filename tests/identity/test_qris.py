"""QRIS: TLV parsing, CRC-16/CCITT-FALSE, NMID/name/city, zbar decoding of a real QR image, the
merchant service, and the qris_nmid_shared / qris_name_mismatch signals."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ebakul.core.errors import PermissionDeniedError
from ebakul.integrity.detectors import run_purchase_detectors
from ebakul.merchants import qris
from ebakul.merchants.services import merchant_set_qris
from tests.factories import PurchaseFactory, UserFactory, verified_merchant

from .qris_samples import qr_png, qr_upload, qris_payload


def test_crc16_ccitt_false_check_value():
    assert qris.crc16_ccitt_false(b"123456789") == 0x29B1


def test_parse_real_payload():
    parsed = qris.parse_qris(qris_payload())
    assert (parsed.nmid, parsed.merchant_name, parsed.city) == (
        "ID1020021181745",
        "WARUNG BU SRI",
        "BOJONEGORO",
    )
    assert parsed.point_of_initiation == "11"
    assert parsed.accounts["26"]["00"] == "ID.DANA.WWW"


def test_published_style_payload_with_lowercase_crc_is_accepted():
    payload = qris_payload()
    assert qris.parse_qris(payload[:-4] + payload[-4:].lower()).nmid == "ID1020021181745"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda p: p[:-1] + ("0" if p[-1] != "0" else "1"), "qris_crc"),  # a wrong check digit
        (lambda p: p.replace("BU SRI", "BU SRO"), "qris_crc"),  # the name altered
        (lambda p: p[:30], "qris_malformed"),  # truncated
        (lambda p: "hello", "qris_malformed"),
        (lambda p: "", "qris_empty"),
        (lambda p: "https://ebakul.example/portal/purchases/new/?merchant=4", "qris_malformed"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(mutate, code):
    with pytest.raises(ValidationError) as exc:
        qris.parse_qris(mutate(qris_payload()))
    assert exc.value.code == code


def test_payload_without_nmid_is_refused():
    from ebakul.merchants.qris import with_crc

    from .qris_samples import tlv

    body = tlv("00", "01") + tlv("01", "11") + tlv("52", "5812") + tlv("59", "X") + tlv("60", "Y")
    with pytest.raises(ValidationError) as exc:
        qris.parse_qris(with_crc(body))
    assert exc.value.code == "qris_no_nmid"


def test_decode_a_real_qr_photo_with_zbar():
    payload = qris_payload()
    assert qris.decode_qr_image(qr_png(payload)) == [payload]
    parsed = qris.qris_from_image(qr_upload(payload))
    assert parsed.nmid == "ID1020021181745"


def test_a_photo_without_qr_is_refused():
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(buf, format="PNG")
    with pytest.raises(ValidationError) as exc:
        qris.qris_from_image(SimpleUploadedFile("x.png", buf.getvalue()))
    assert exc.value.code == "qris_not_found"


def test_a_non_image_is_refused_by_the_upload_gate():
    with pytest.raises(ValidationError) as exc:
        qris.qris_from_image(SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>"))
    assert exc.value.code == "not_allowed"


@pytest.mark.parametrize(
    ("qris_name", "business", "related"),
    [
        ("WARUNG BU SRI", "Warung Makan Sri Rejeki", True),
        ("SRI REJEKY", "Warung Sri Rejeki", True),  # a spelling variant
        ("KEDAI KOPI NGOPIBARENG", "Kopi Ngopibareng Bojonegoro", True),
        ("TOKO EMAS CAHAYA", "Warung Bu Sri", False),
        ("PT MAJU ELEKTRONIK", "Rujak Cingur Pak Sholeh", False),
    ],
)
def test_names_related(qris_name, business, related):
    assert qris.names_related(qris_name, business) is related


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_merchant_sets_qris_by_photo_and_by_paste(ref):
    owner = UserFactory()
    merchant = verified_merchant(user=owner, business_name="Warung Bu Sri")
    merchant_set_qris(merchant=merchant, actor=owner, image=qr_upload(qris_payload()))
    merchant.refresh_from_db()
    assert (merchant.qris_nmid, merchant.qris_name, merchant.qris_city) == (
        "ID1020021181745",
        "WARUNG BU SRI",
        "BOJONEGORO",
    )
    assert merchant.history.first().history_user == owner
    merchant_set_qris(merchant=merchant, actor=owner, payload=qris_payload(nmid="ID1020099999999"))
    merchant.refresh_from_db()
    assert merchant.qris_nmid == "ID1020099999999"


@pytestmark_db
def test_someone_else_cannot_set_a_merchants_qris(ref):
    merchant = verified_merchant(user=UserFactory())
    with pytest.raises(PermissionDeniedError):
        merchant_set_qris(merchant=merchant, actor=UserFactory(), payload=qris_payload())
    merchant.refresh_from_db()
    assert merchant.qris_nmid == ""


@pytestmark_db
def test_a_damaged_qris_changes_nothing(ref):
    owner = UserFactory()
    merchant = verified_merchant(user=owner)
    with pytest.raises(ValidationError):
        merchant_set_qris(merchant=merchant, actor=owner, payload=qris_payload()[:-1] + "X")
    merchant.refresh_from_db()
    assert merchant.qris_payload == ""


def _codes(purchase):
    return [f.code for f in run_purchase_detectors(purchase)]


@pytestmark_db
def test_qris_nmid_shared_positive(ref):
    first = verified_merchant(business_name="Warung Bu Sri", qris_nmid="ID1020021181745")
    second = verified_merchant(business_name="Sri Catering", qris_nmid="ID1020021181745")
    findings = [
        f
        for f in run_purchase_detectors(PurchaseFactory(merchant=second))
        if f.code == "qris_nmid_shared"
    ]
    assert [f.related_merchant_id for f in findings] == [first.pk]


@pytestmark_db
def test_qris_nmid_shared_negative(ref):
    verified_merchant(qris_nmid="ID1020021181745")
    mine = verified_merchant(qris_nmid="ID1020021181746")
    without = verified_merchant()
    verified_merchant()  # another merchant without QRIS: "" never matches ""
    assert "qris_nmid_shared" not in _codes(PurchaseFactory(merchant=mine))
    assert "qris_nmid_shared" not in _codes(PurchaseFactory(merchant=without))


@pytestmark_db
def test_qris_name_mismatch_positive_and_negative(ref):
    odd = verified_merchant(
        business_name="Rujak Cingur Pak Sholeh", owner_name="Sholeh", qris_name="TOKO EMAS CAHAYA"
    )
    fine = verified_merchant(
        business_name="Rujak Cingur Pak Sholeh", owner_name="Sholeh", qris_name="RUJAK SHOLEH"
    )
    by_owner = verified_merchant(
        business_name="Dapur Nusantara", owner_name="Siti Aminah", qris_name="SITI AMINAH"
    )
    assert "qris_name_mismatch" in _codes(PurchaseFactory(merchant=odd))
    assert "qris_name_mismatch" not in _codes(PurchaseFactory(merchant=fine))
    assert "qris_name_mismatch" not in _codes(PurchaseFactory(merchant=by_owner))
