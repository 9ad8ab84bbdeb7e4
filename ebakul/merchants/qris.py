"""QRIS payloads (issue 15): the EMVCo merchant-presented QR code that Indonesian merchants print.

A payload is a string of TLV fields: a 2-digit tag, a 2-digit length, the value. Tags 26-51 are
merchant account information (each again TLV; for QRIS, template 51 with the global identifier
``ID.CO.QRIS.WWW`` carries the NMID in sub-tag 02), 59 is the merchant name, 60 the city and 63 the
CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) of everything before its value, written
as four upper-case hex digits. :func:`parse_qris` checks all of that; :func:`decode_qr_image`
reads the QR codes of a photo with zbar (Debian ``libzbar0``, ``pyzbar``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ebakul.core.uploads import UploadPolicy, clean_upload, register_policy

MSG_QRIS_EMPTY = _("Paste the QRIS text or upload a photo of the QRIS sticker.")
MSG_QRIS_MALFORMED = _("This is not a QRIS code: its fields cannot be read.")
MSG_QRIS_CRC = _("The QRIS code is damaged: its check digits do not match.")
MSG_QRIS_NO_NMID = _("The QRIS code has no NMID (national merchant number).")
MSG_QRIS_NO_NAME = _("The QRIS code has no merchant name.")
MSG_QRIS_NOT_FOUND = _("No QRIS code was found in the photo. Take a sharper photo of the sticker.")
MSG_QRIS_PHOTO_NOT_IMAGE = _("The QRIS sticker must be a photo (JPEG, PNG or WebP).")

# A sticker photo is data like any upload (docs/adr/0080): cleaned and re-encoded before zbar
# reads it; it is not stored, only the payload read from it.
QRIS_PHOTO_POLICY = register_policy(
    UploadPolicy(
        name="qris_photo",
        max_bytes_setting="RECEIPT_MAX_BYTES",
        allow_pdf=False,
        msg_required=MSG_QRIS_EMPTY,
        msg_not_allowed=MSG_QRIS_PHOTO_NOT_IMAGE,
    )
)

QRIS_GLOBAL_ID = "ID.CO.QRIS.WWW"
NMID = re.compile(r"ID[0-9]{10,13}\Z")
MAX_PAYLOAD = 512


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def parse_tlv(text: str) -> list[tuple[str, str]]:
    """``[(tag, value), ...]`` in order; ValueError when a length runs past the end."""
    fields, i = [], 0
    while i < len(text):
        tag, length = text[i : i + 2], text[i + 2 : i + 4]
        if len(tag) < 2 or not tag.isdigit() or len(length) < 2 or not length.isdigit():
            raise ValueError(f"bad TLV header at {i}")
        end = i + 4 + int(length)
        if end > len(text):
            raise ValueError(f"TLV {tag} runs past the end")
        fields.append((tag, text[i + 4 : end]))
        i = end
    return fields


@dataclass(frozen=True)
class Qris:
    payload: str
    nmid: str
    merchant_name: str
    city: str
    point_of_initiation: str = ""  # "11" static, "12" dynamic
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)  # tag -> sub-tags


def with_crc(body: str) -> str:
    """``body`` (ending just before the CRC field) completed with ``6304`` and its CRC; used by
    tests and the generator to build real payloads."""
    data = body + "6304"
    return data + f"{crc16_ccitt_false(data.encode('ascii', 'strict')):04X}"


def parse_qris(payload: str) -> Qris:
    """Parse and check a QRIS payload; ValidationError with a message for people otherwise."""
    text = (payload or "").strip()
    if not text:
        raise ValidationError(MSG_QRIS_EMPTY, code="qris_empty")
    if len(text) > MAX_PAYLOAD or not text.isascii() or not text.isprintable():
        raise ValidationError(MSG_QRIS_MALFORMED, code="qris_malformed")
    try:
        fields = parse_tlv(text)
    except ValueError:
        raise ValidationError(MSG_QRIS_MALFORMED, code="qris_malformed") from None
    tags = dict(fields)
    if not fields or fields[0] != ("00", "01") or fields[-1][0] != "63" or len(tags["63"]) != 4:
        raise ValidationError(MSG_QRIS_MALFORMED, code="qris_malformed")
    expected = crc16_ccitt_false(text[:-4].encode("ascii"))
    if tags["63"].upper() != f"{expected:04X}":
        raise ValidationError(MSG_QRIS_CRC, code="qris_crc")
    accounts: dict[str, dict[str, str]] = {}
    for tag, value in fields:
        if 26 <= int(tag) <= 51:
            try:
                accounts[tag] = dict(parse_tlv(value))
            except ValueError:
                raise ValidationError(MSG_QRIS_MALFORMED, code="qris_malformed") from None
    nmid = _nmid(accounts)
    if not nmid:
        raise ValidationError(MSG_QRIS_NO_NMID, code="qris_no_nmid")
    name = tags.get("59", "").strip()
    if not name:
        raise ValidationError(MSG_QRIS_NO_NAME, code="qris_no_name")
    return Qris(
        payload=text,
        nmid=nmid,
        merchant_name=name,
        city=tags.get("60", "").strip(),
        point_of_initiation=tags.get("01", ""),
        accounts=accounts,
    )


def _nmid(accounts: dict[str, dict[str, str]]) -> str:
    """The NMID: sub-tag 02 of the template whose global id is ID.CO.QRIS.WWW (usually 51);
    else the first sub-tag 02 of any account template that looks like an NMID."""
    for sub in accounts.values():
        if sub.get("00", "").upper() == QRIS_GLOBAL_ID and NMID.match(sub.get("02", "")):
            return sub["02"]
    for sub in accounts.values():
        if NMID.match(sub.get("02", "")):
            return sub["02"]
    return ""


def decode_qr_image(data: bytes) -> list[str]:
    """The texts of every QR code zbar finds in an image (already cleaned by core.uploads).
    Tried as it is, then in grayscale enlarged, which helps with small or blurred stickers."""
    from PIL import Image, ImageOps
    from pyzbar import pyzbar

    with Image.open(io.BytesIO(data)) as img:
        img = ImageOps.exif_transpose(img)
        gray = img.convert("L")
        attempts = [gray]
        if max(gray.size) < 1200:
            attempts.append(gray.resize((gray.width * 2, gray.height * 2)))
        attempts.append(ImageOps.autocontrast(gray))
        for candidate in attempts:
            found = pyzbar.decode(candidate, symbols=[pyzbar.ZBarSymbol.QRCODE])
            if found:
                return [r.data.decode("utf-8", "replace") for r in found]
    return []


def qris_from_image(file) -> Qris:
    """The QRIS of a sticker photo (an uploaded file, cleaned here through core.uploads);
    ValidationError when it is no image, none is found or it does not parse."""
    texts = decode_qr_image(clean_upload(file, QRIS_PHOTO_POLICY).read())
    if not texts:
        raise ValidationError(MSG_QRIS_NOT_FOUND, code="qris_not_found")
    first_error = None
    for text in texts:
        try:
            return parse_qris(text)
        except ValidationError as exc:
            first_error = first_error or exc
    raise first_error  # type: ignore[misc]


# --- Name comparison (qris_name_mismatch) --------------------------------------------------

_STOP_WORDS = {
    "warung", "toko", "ud", "cv", "pt", "kedai", "depot", "rumah", "makan", "rm", "usaha", "bu",
    "pak", "ibu", "bapak", "mbak", "mas", "the", "dan", "and", "jaya", "abadi", "makmur", "sentosa",
    "bojonegoro", "qris", "store", "shop", "official",
}  # fmt: skip


def name_tokens(name: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", (name or "").lower())
    return {w for w in words if len(w) >= 2 and w not in _STOP_WORDS}


def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    if a == b or (len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a))):
        return True
    return min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b).ratio() >= 0.8


def names_related(qris_name: str, *names: str) -> bool:
    """True when the QRIS name shares a distinctive word (allowing small spelling differences
    and QRIS's 25-character truncation) with the business or the owner's name; True also when
    one of them has no distinctive word at all (nothing to compare)."""
    qris_tokens = name_tokens(qris_name)
    other_tokens = set().union(*(name_tokens(n) for n in names)) if names else set()
    if not qris_tokens or not other_tokens:
        return True
    return any(_similar(q, o) for q in qris_tokens for o in other_tokens)
