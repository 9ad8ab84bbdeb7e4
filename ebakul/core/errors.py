"""Domain errors. Interfaces translate them: forms show the message, the API a problem body."""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A refused business action. ``message`` is user-facing and translated."""

    code = "domain_error"

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class PermissionDeniedError(DomainError):
    code = "permission_denied"


class ConflictError(DomainError):
    code = "conflict"


class PeriodLockedError(ConflictError):
    code = "period_locked"


__all__ = [
    "DomainError",
    "PermissionDeniedError",
    "ConflictError",
    "PeriodLockedError",
    "ValidationError",
]
