"""Real QRIS payloads (EMVCo TLV with a computed CRC-16/CCITT-FALSE) and real QR images."""

import io

import qrcode
from django.core.files.uploadedfile import SimpleUploadedFile

from ebakul.merchants.qris import with_crc


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def qris_payload(nmid="ID1020021181745", name="WARUNG BU SRI", city="BOJONEGORO") -> str:
    account = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", nmid) + tlv("03", "UMI")
    wallet = tlv("00", "ID.DANA.WWW") + tlv("01", "936009153022591481") + tlv("03", "UMI")
    body = (
        tlv("00", "01")
        + tlv("01", "11")
        + tlv("26", wallet)
        + tlv("51", account)
        + tlv("52", "5812")
        + tlv("53", "360")
        + tlv("58", "ID")
        + tlv("59", name)
        + tlv("60", city)
        + tlv("61", "62111")
    )
    return with_crc(body)


def qr_png(text: str, *, box_size=6, fmt="PNG") -> bytes:
    img = qrcode.make(text, box_size=box_size, border=4).get_image().convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def qr_upload(text: str, name="qris.jpg", fmt="JPEG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, qr_png(text, fmt=fmt), content_type="image/jpeg")
