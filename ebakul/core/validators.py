"""Validators for Indonesian identifiers. Messages are constants so tests can assert them."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_NIP_FORMAT = _("NIP must be exactly 18 digits.")
MSG_NIP_BIRTH_DATE = _("NIP: digits 1-8 must be a real birth date (YYYYMMDD).")
MSG_NIP_APPOINTMENT = _(
    "NIP: digits 9-14 must be an appointment month (YYYYMM) after the birth date."
)
MSG_NIP_GENDER = _("NIP: digit 15 must be 1 (male) or 2 (female).")
MSG_NIK_FORMAT = _("NIK must be exactly 16 digits.")
MSG_NIK_BIRTH_DATE = _("NIK: digits 7-12 must be a birth date DDMMYY (day plus 40 for women).")
MSG_NIK_REGION = _("NIK: digits 1-6 must be a region code.")
MSG_NIB_FORMAT = _("NIB must be exactly 13 digits.")
MSG_AMOUNT_POSITIVE = _("Amount must be more than Rp0.")
MSG_NOT_IN_FUTURE = _("The date cannot be in the future.")
MSG_NMID_FORMAT = _("QRIS NMID must start with ID followed by 10 to 13 digits.")
MSG_PHONE_FORMAT = _("Phone number must be 9 to 15 digits, optionally starting with +62.")

# ASCII digits only, to the very end: ``\d`` also matches other scripts' digits (which int()
# accepts) and ``$`` matches before a trailing newline.
_DIGITS = re.compile(r"[0-9]+\Z")


def _today() -> dt.date:
    from .periods import today_wib

    return today_wib()


def _real_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def validate_nip(value: str, *, employee_type: str = "PNS") -> None:
    """18 digits. For PNS the structure is checked; PPPK numbers only by length."""
    value = value or ""
    if len(value) != 18 or not _DIGITS.match(value):
        raise ValidationError(MSG_NIP_FORMAT, code="nip_format")
    if employee_type != "PNS":
        return
    birth = _real_date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    if birth is None or birth.year < 1900 or birth > _today():
        raise ValidationError(MSG_NIP_BIRTH_DATE, code="nip_birth_date")
    appointment_year, appointment_month = int(value[8:12]), int(value[12:14])
    if not 1 <= appointment_month <= 12 or (appointment_year, appointment_month) <= (
        birth.year,
        birth.month,
    ):
        raise ValidationError(MSG_NIP_APPOINTMENT, code="nip_appointment")
    if value[14] not in "12":
        raise ValidationError(MSG_NIP_GENDER, code="nip_gender")


def validate_nip_any(value: str) -> None:
    """Field-level check usable without knowing the employee type."""
    validate_nip(value, employee_type="PPPK")


def nik_birth_date(value: str) -> tuple[dt.date, str] | None:
    """The birth date and gender encoded in a NIK, or None when they are not a real date."""
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    gender = "F" if day > 40 else "M"
    if day > 40:
        day -= 40
    # Two-digit years: the most recent century that does not put the birth in the future.
    today = _today()
    birth = _real_date(2000 + yy, month, day)
    if birth is None or birth > today:
        birth = _real_date(1900 + yy, month, day)
    if birth is None:
        return None
    return birth, gender


def validate_nik(value: str) -> None:
    value = value or ""
    if len(value) != 16 or not _DIGITS.match(value):
        raise ValidationError(MSG_NIK_FORMAT, code="nik_format")
    if value[0:2] == "00" or value[2:4] == "00" or value[4:6] == "00":
        raise ValidationError(MSG_NIK_REGION, code="nik_region")
    if nik_birth_date(value) is None:
        raise ValidationError(MSG_NIK_BIRTH_DATE, code="nik_birth_date")


def validate_nib(value: str) -> None:
    value = value or ""
    if len(value) != 13 or not _DIGITS.match(value):
        raise ValidationError(MSG_NIB_FORMAT, code="nib_format")


def validate_positive_amount(value: int) -> None:
    if value is None or int(value) <= 0:
        raise ValidationError(MSG_AMOUNT_POSITIVE, code="amount_not_positive")


def validate_not_in_future(value) -> None:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        if value > timezone.now():
            raise ValidationError(MSG_NOT_IN_FUTURE, code="in_future")
    elif isinstance(value, dt.date):
        from .periods import today_wib

        if value > today_wib():
            raise ValidationError(MSG_NOT_IN_FUTURE, code="in_future")


def validate_qris_nmid(value: str) -> None:
    if value and not re.match(r"ID[0-9]{10,13}\Z", value):
        raise ValidationError(MSG_NMID_FORMAT, code="nmid_format")


def normalize_phone(value: str) -> str:
    """Phone numbers as people write them: ``0812-3456-7890``, ``0812 3456 7890``,
    ``+62 812-3456-7890``, ``(0812) 3456.7890`` or ``62812...`` become ``081234567890`` /
    ``+6281234567890``. Anything other than digits, spaces, dashes, dots, brackets and a
    leading plus is left as written, so the validator refuses it with its message."""
    text = (value or "").strip()
    if not text or not re.fullmatch(r"\+?[0-9 ()./-]+", text):
        return text
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("62") and len(digits) > 10:
        return "+" + digits
    return digits


def validate_phone(value: str) -> None:
    if value and not re.match(r"(\+62|0)[0-9]{8,13}\Z", value):
        raise ValidationError(MSG_PHONE_FORMAT, code="phone_format")


def mask_nik(value: str) -> str:
    """Owner NIKs are personal data: lists show only the region and the last two digits."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


MSG_KK_FORMAT = _("Family card (KK) number must be exactly 16 digits.")
MSG_KK_REGION = _("Family card (KK) number: digits 1-6 must be a region code.")


def validate_kk(value: str) -> None:
    """Nomor KK: 16 digits, the first six the region (like a NIK); the rest is not checked
    because issuing offices have used several layouts over the years."""
    value = value or ""
    if len(value) != 16 or not _DIGITS.match(value):
        raise ValidationError(MSG_KK_FORMAT, code="kk_format")
    if value[0:2] == "00" or value[2:4] == "00" or value[4:6] == "00":
        raise ValidationError(MSG_KK_REGION, code="kk_region")
