"""Roles are Django groups. The names are the programme's own words (Indonesian) because
administrators see them in the desk; code refers to them through these constants."""

EMPLOYEE = "Pegawai"
MERCHANT = "Pelaku Usaha"
VERIFIER = "Verifikator"
UNIT_OPERATOR = "Operator OPD"
ADMIN = "Admin eBakul"

ALL_ROLES = (EMPLOYEE, MERCHANT, VERIFIER, UNIT_OPERATOR, ADMIN)
# Roles whose members work in the desk (Django admin). The others never get is_staff.
DESK_ROLES = (VERIFIER, UNIT_OPERATOR, ADMIN)


def has_role(user, role: str) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_ebakul_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._ebakul_roles = cache
    return role in cache


def is_admin(user) -> bool:
    return has_role(user, ADMIN)


def is_admin_or_verifier(user) -> bool:
    """Administrators and verifiers (and superusers) see every row of every employee and act on
    anyone's documents as staff: the one definition the selectors' row scoping and the services'
    checks share (ADR 0131)."""
    return has_role(user, ADMIN) or has_role(user, VERIFIER)
