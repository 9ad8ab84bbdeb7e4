"""Validators for NIP, NIK, NIB, amounts and dates: valid and invalid examples."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ebakul.core import validators as v
from ebakul.core.identifiers import make_nib, make_nik, make_nip
from ebakul.core.periods import today_wib


def _code(fn, *args, **kwargs):
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kwargs)
    return exc.value.code


# --- NIP -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nip",
    [
        "198503152010011001",  # born 15 Mar 1985, appointed Jan 2010, male
        "198802292012122001",  # 29 Feb 1988 (leap year), female
        "200002292024011001",  # 29 Feb 2000 (leap: divisible by 400)
        "196612312000122999",  # last day of the year, sequence 999
        "198503151985041001",  # appointed the month after the birth month
    ],
)
def test_valid_pns_nip(nip):
    v.validate_nip(nip, employee_type="PNS")


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19850315201001100", "nip_format"),  # 17 digits
        ("1985031520100110011", "nip_format"),  # 19 digits
        ("", "nip_format"),
        ("19850315201001100a", "nip_format"),  # a letter
        ("1985-315201001100", "nip_format"),
        ("19850315201001100\n", "nip_format"),  # 17 digits and a newline
        ("١٩٨٥٠٣١٥٢٠١٠٠١١٠٠١", "nip_format"),  # Arabic-Indic digits are not NIP digits
        ("198902292015011001", "nip_birth_date"),  # 29 Feb 1989: not a leap year
        ("190002292015011001", "nip_birth_date"),  # 1900 is not a leap year either
        ("198513152010011001", "nip_birth_date"),  # month 13
        ("198504312010011001", "nip_birth_date"),  # 31 April
        ("185001012010011001", "nip_birth_date"),  # before 1900
        ("209901012010011001", "nip_birth_date"),  # born in the future
        ("198503151980011001", "nip_appointment"),  # appointed before birth
        ("198503151985031001", "nip_appointment"),  # appointed in the birth month
        ("198503152010131001", "nip_appointment"),  # appointment month 13
        ("198503152010001001", "nip_appointment"),  # appointment month 00
        ("198503152010013001", "nip_gender"),  # gender digit 3
        ("198503152010010001", "nip_gender"),  # gender digit 0
    ],
)
def test_invalid_pns_nip(nip, code):
    assert _code(v.validate_nip, nip, employee_type="PNS") == code


def test_pppk_nip_is_checked_only_for_length_and_digits():
    # PPPK numbers share the length, not the PNS structure: do not over-validate them.
    v.validate_nip("198503152021350003", employee_type="PPPK")  # "month" 35, gender 0
    v.validate_nip("198503159999993001", employee_type="PPPK")  # gender digit 3
    assert _code(v.validate_nip, "19850315202135000", employee_type="PPPK") == "nip_format"
    assert _code(v.validate_nip, "19850315202135000x", employee_type="PPPK") == "nip_format"


def test_identifier_helpers_make_valid_numbers():
    for n in range(0, 5000, 37):
        v.validate_nip(make_nip(n), employee_type="PNS")
        v.validate_nip(make_nip(n, gender=2), employee_type="PNS")
        v.validate_nip(make_nip(n, employee_type="PPPK"), employee_type="PPPK")
        v.validate_nik(make_nik(n))
        v.validate_nik(make_nik(n, female=True))
        v.validate_nib(make_nib(n))


# --- NIK -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "birth", "gender"),
    [
        ("3522011503850001", dt.date(1985, 3, 15), "M"),
        ("3522015503850001", dt.date(1985, 3, 15), "F"),  # woman: day + 40
        ("3522012902880001", dt.date(1988, 2, 29), "M"),  # leap year
        ("3522016902880001", dt.date(1988, 2, 29), "F"),  # leap year, woman (29 + 40)
        ("3522012902000001", dt.date(2000, 2, 29), "M"),  # 2000 is a leap year
        ("3522017112990001", dt.date(1999, 12, 31), "F"),  # 31 + 40 = 71
        ("3522010101050001", dt.date(2005, 1, 1), "M"),
    ],
)
def test_valid_nik_and_its_birth_date(nik, birth, gender):
    v.validate_nik(nik)
    assert v.nik_birth_date(nik) == (birth, gender)


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("352201150385000", "nik_format"),  # 15 digits
        ("35220115038500011", "nik_format"),  # 17 digits
        ("35220115038500O1", "nik_format"),  # letter O for zero
        ("3522011503850001\n", "nik_format"),
        ("0022011503850001", "nik_region"),
        ("3500011503850001", "nik_region"),
        ("3522002903850001", "nik_region"),
        ("3522012902890001", "nik_birth_date"),  # 29 Feb 1989 / 2089: never a leap year
        ("3522016902890001", "nik_birth_date"),  # the same for a woman
        ("3522013203850001", "nik_birth_date"),  # day 32: neither man (1-31) nor woman (41-71)
        ("3522014003850001", "nik_birth_date"),  # day 40
        ("3522017203850001", "nik_birth_date"),  # day 72 = 32 + 40
        ("3522010003850001", "nik_birth_date"),  # day 0
        ("3522014103850001", None),  # 41 = the 1st, a woman: valid (control)
        ("3522011513850001", "nik_birth_date"),  # month 15
        ("3522017102850001", "nik_birth_date"),  # 31 Feb for a woman
    ],
)
def test_invalid_nik(nik, code):
    if code is None:
        v.validate_nik(nik)
        return
    assert _code(v.validate_nik, nik) == code


def test_nik_two_digit_year_never_gives_a_future_birth():
    today = today_wib()
    tomorrow = today + dt.timedelta(days=1)
    nik = f"352201{tomorrow:%d%m%y}0001"
    birth, _gender = v.nik_birth_date(nik)
    assert birth < today
    assert birth.year == 1900 + tomorrow.year % 100


# --- NIB, amounts, dates, QRIS, phone --------------------------------------------------------


def test_nib():
    v.validate_nib("9120001234567")
    for bad in ("912000123456", "91200012345678", "91200012345a7", "912000123456\n", ""):
        assert _code(v.validate_nib, bad) == "nib_format"


@pytest.mark.parametrize("amount", [1, 50_000, 10_000_000])
def test_positive_amounts(amount):
    v.validate_positive_amount(amount)


@pytest.mark.parametrize("amount", [0, -1, -50_000, None])
def test_zero_or_negative_amount_is_refused(amount):
    assert _code(v.validate_positive_amount, amount) == "amount_not_positive"


def test_not_in_future():
    now = timezone.now()
    v.validate_not_in_future(now - dt.timedelta(seconds=5))
    v.validate_not_in_future(today_wib())
    assert _code(v.validate_not_in_future, now + dt.timedelta(minutes=5)) == "in_future"
    assert _code(v.validate_not_in_future, today_wib() + dt.timedelta(days=1)) == "in_future"


def test_qris_nmid_and_phone():
    v.validate_qris_nmid("ID1020304050607")
    v.validate_qris_nmid("")
    for bad in ("ID123", "XX1020304050607", "ID1020304050607\n", "ID10203040506078"):
        assert _code(v.validate_qris_nmid, bad) == "nmid_format"
    for good in ("081234567890", "+6281234567890", ""):
        v.validate_phone(good)
    for bad in ("81234567890", "08123", "0812345678901234", "0812-3456-7890", "081234567890\n"):
        assert _code(v.validate_phone, bad) == "phone_format"


def test_mask_nik():
    assert v.mask_nik("3522011503850001") == "3522**********01"
    assert v.mask_nik("") == ""


def test_messages_exist_in_both_languages():
    from django.utils import translation

    with translation.override("id"):
        assert str(v.MSG_NIP_FORMAT) == "NIP harus tepat 18 digit angka."
    with translation.override("en"):
        assert str(v.MSG_NIP_FORMAT) == "NIP must be exactly 18 digits."
