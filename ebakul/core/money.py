"""Money is whole rupiah, stored as integers, shown as ``Rp1.250.000``."""


def format_rupiah(amount: int | None) -> str:
    if amount is None:
        return "-"
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")
