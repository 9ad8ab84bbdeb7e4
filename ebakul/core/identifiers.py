"""Well-formed example identifiers, for demo data and tests (never real people's numbers)."""

import datetime as dt


def make_nip(n: int, *, gender: int = 1, employee_type: str = "PNS") -> str:
    """A structurally valid NIP, unique for each ``n`` below 10**6."""
    seq = n % 1000
    # For a fixed sequence the birth date is injective in n // 1000, so NIPs never collide.
    birth = dt.date(1966, 1, 1) + dt.timedelta(days=(n // 1000) * 3 + (seq * 13) % 9000)
    appoint_year = birth.year + 20 + n % 10
    appoint_month = 1 + n % 12
    if employee_type == "PPPK":
        # PPPK numbers: 18 digits, middle part not over-validated.
        return f"{birth:%Y%m%d}{2021 + n % 4:04d}{n % 100:02d}{gender}{seq:03d}"
    return f"{birth:%Y%m%d}{appoint_year:04d}{appoint_month:02d}{gender}{seq:03d}"


def make_nik(n: int, *, female: bool = False) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=(n * 53) % (40 * 365))
    day = birth.day + (40 if female else 0)
    return f"3522{1 + n % 28:02d}{day:02d}{birth:%m%y}{n % 10000:04d}"


def make_nib(n: int) -> str:
    return f"{9120000000000 + n:013d}"
