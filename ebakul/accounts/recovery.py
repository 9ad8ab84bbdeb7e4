"""Account recovery without e-mail (issue 14, docs/adr/0161): a one-time code issued at the
desk after the person was checked, redeemed once on the portal with a new password."""

import datetime as dt
import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebakul.core.errors import DomainError, PermissionDeniedError

from . import roles
from .models import RecoveryCode, User

CODE_DIGITS = 8
CODE_MINUTES = 15
MAX_WRONG_TRIES = 5

MSG_NOT_YOURS_TO_RESET = _(
    "You may issue a reset code only for the employees of your units (OPD operator) or for "
    "merchants (verification team)."
)
MSG_NOT_YOURSELF = _("Nobody issues a reset code for their own account.")
MSG_VERIFIED_WITH_REQUIRED = _("Write how the person was checked, for example: KTP shown.")
MSG_CODE_INVALID = _(
    "The code is wrong, used or expired. Ask your OPD operator (employees) or the verification "
    "team (merchants) for a new code."
)
MSG_PASSWORD_MISMATCH = _("The two passwords are not the same.")
NOTE_ISSUED_TITLE = _("A password reset code was issued for your account")
NOTE_ISSUED_BODY = _(
    "%(issuer)s issued a one-time code, valid for %(minutes)s minutes. If you did not ask for "
    "it, tell your OPD operator or the verification team."
)
NOTE_USED_TITLE = _("Your password was changed with a reset code")
NOTE_USED_BODY = _("If it was not you, contact your OPD operator or the verification team now.")


def recovery_targets(actor) -> QuerySet[User]:
    """Accounts ``actor`` may issue a code for: an administrator any account, an OPD operator
    the accounts of their units' employees, a verifier merchant accounts; never their own."""
    if not actor or not actor.is_authenticated:
        return User.objects.none()
    qs = User.objects.filter(is_active=True).exclude(pk=actor.pk)
    if roles.is_admin(actor):
        return qs
    allowed = User.objects.none()
    if roles.has_role(actor, roles.UNIT_OPERATOR):
        allowed = allowed | qs.filter(
            # the employees of the units this operator runs (through the relation, so accounts
            # imports nothing of the employees app: docs/adr/0121)
            employee__work_unit__operators__user=actor
        )
    if roles.has_role(actor, roles.VERIFIER):
        allowed = allowed | qs.filter(groups__name=roles.MERCHANT, is_staff=False)
    return allowed.distinct()


def recovery_codes_visible_to(actor) -> QuerySet[RecoveryCode]:
    qs = RecoveryCode.objects.select_related("user", "issued_by")
    if actor and actor.is_authenticated and roles.is_admin(actor):
        return qs
    return qs.filter(user__in=recovery_targets(actor).values("pk"))


def _security_log():
    from .lockout import security_log

    return security_log


def _audit(*, actor, user, message: str) -> None:
    from .services import _audit as audit

    audit(actor=actor, user=user, message=message)


@transaction.atomic
def recovery_code_issue(*, actor, user, verified_with: str) -> tuple[RecoveryCode, str]:
    """Issue a one-time code for ``user``. Returns the row and the code in clear, to be shown
    once to the issuer (read out or printed); only its hash is kept. Earlier open codes of the
    account are revoked. Logged (desk log, security log) and the account holder notified."""
    from ebakul.core.services import notify

    if actor is not None and user is not None and actor.pk == user.pk:
        raise PermissionDeniedError(MSG_NOT_YOURSELF, code="self_reset")
    if user is None or not recovery_targets(actor).filter(pk=user.pk).exists():
        raise PermissionDeniedError(MSG_NOT_YOURS_TO_RESET, code="not_in_scope")
    verified_with = (verified_with or "").strip()
    if not verified_with:
        raise DomainError(MSG_VERIFIED_WITH_REQUIRED, code="required", field="verified_with")
    now = timezone.now()
    RecoveryCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    row = RecoveryCode.objects.create(
        user=user,
        code_hash=make_password(code),
        issued_by=actor,
        verified_with=verified_with[:200],
        created_at=now,
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    _audit(actor=actor, user=user, message=f"Password reset code issued ({verified_with[:80]})")
    _security_log().info("reset code issued: user=%s by=%s", user.pk, actor.pk)
    issuer = actor.get_full_name() or actor.username
    notify(
        user=user,
        title=NOTE_ISSUED_TITLE,
        body=NOTE_ISSUED_BODY % {"issuer": issuer, "minutes": CODE_MINUTES},
        kind="account_reset",
    )
    return row, code


def recovery_code_redeem(
    *, username: str, code: str, new_password: str, new_password_again: str
) -> User:
    """Set a new password with a valid code (once). A wrong code counts against the open code
    (revoked after MAX_WRONG_TRIES); the answer never tells which part was wrong."""
    from ebakul.core.services import notify

    code = "".join(ch for ch in (code or "") if ch.isdigit())
    with transaction.atomic():
        user = User.objects.filter(
            username__iexact=(username or "").strip(), is_active=True
        ).first()
        row = None
        if user is not None:
            row = (
                RecoveryCode.objects.select_for_update()
                .filter(
                    user=user,
                    used_at__isnull=True,
                    revoked_at__isnull=True,
                    expires_at__gt=timezone.now(),
                )
                .order_by("-created_at")
                .first()
            )
        if row is None or not check_password(code, row.code_hash):
            if row is not None:
                row.failed_attempts += 1
                if row.failed_attempts >= MAX_WRONG_TRIES:
                    row.revoked_at = timezone.now()
                row.save(update_fields=["failed_attempts", "revoked_at"])
            refused = True
        else:
            refused = False
    if refused:  # the wrong try is counted (committed) before the refusal
        _security_log().info("reset code refused: username=%s", (username or "")[:150])
        raise DomainError(MSG_CODE_INVALID, code="code_invalid", field="code")
    if new_password != new_password_again:
        raise ValidationError({"new_password_again": [MSG_PASSWORD_MISMATCH]})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from exc
    with transaction.atomic():
        row = RecoveryCode.objects.select_for_update().get(pk=row.pk)
        if row.used_at is not None or row.revoked_at is not None:
            raise DomainError(MSG_CODE_INVALID, code="code_invalid", field="code")
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        from axes.models import AccessAttempt

        from .lockout import normalise_username

        AccessAttempt.objects.filter(username=normalise_username(user.username)).delete()
        _audit(actor=user, user=user, message="Password reset with a desk-issued code")
        _security_log().info("reset code used: user=%s issued_by=%s", user.pk, row.issued_by_id)
        notify(user=user, title=NOTE_USED_TITLE, body=NOTE_USED_BODY, kind="account_reset")
    return user
