from django import template
from django.utils.translation import gettext_lazy as _

from ebakul.core.models import Notification
from ebakul.core.money import format_rupiah
from ebakul.workflow.selectors import MERCHANT, PURCHASE, has_flag, state_kind, state_label

register = template.Library()

_KINDS = {"purchase": PURCHASE, "merchant": MERCHANT}


@register.filter
def rupiah(value):
    # A missing value (a template variable that does not resolve is "") reads as "-", never
    # a server error.
    if value in (None, ""):
        return "-"
    return format_rupiah(value)


@register.filter
def status_label(value, kind="purchase"):
    """The workflow's label of a state (ADR 0125), as the administrators named it; read once per
    request."""
    if not value:
        return value
    return state_label(_KINDS.get(kind, PURCHASE), value)


@register.filter(name="state_kind")
def state_kind_filter(value, kind="purchase") -> str:
    """What the state means to its owner (``draft``, ``waiting``, ``fix``, ``verified``,
    ``refused``, ``held``), from the workflow's flags rather than its code."""
    return state_kind(_KINDS.get(kind, PURCHASE), value) if value else ""


@register.filter
def editable_purchase(value) -> bool:
    """Whether a purchase in state ``value`` may still be changed and sent (the workflow's
    ``is_editable`` flag)."""
    return bool(value) and has_flag(PURCHASE, value, "is_editable")


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return 0
    cached = getattr(request, "_portal_unread", None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        request._portal_unread = cached
    return cached


@register.simple_tag(takes_context=True)
def portal_role(context) -> str:
    from ebakul.accounts import roles

    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return ""
    if roles.has_role(user, roles.EMPLOYEE):
        return "employee"
    if roles.has_role(user, roles.MERCHANT):
        return "merchant"
    return "staff" if user.is_staff else ""


@register.filter
def described_widget(field):
    """The widget tied to its help text and its errors (``aria-describedby``), so a screen
    reader reads the error with the field; the ids match ``portal/_field.html``."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    ids += [f"{field.auto_id}_error{i}" for i in range(len(field.errors))]
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def month(period):
    """``2026-11`` → "November 2026" (a month never wraps as "2026-/11" on a phone)."""
    from ebakul.core.periods import period_label

    try:
        return period_label(str(period))
    except (ValueError, TypeError):
        return period or "-"


_RESULT_STATES = {
    "compliant": _("minimum met"),
    "shortfall": _("below the minimum"),
    "exempt": _("exempt"),
}


@register.filter
def result_state(status):
    return _RESULT_STATES.get(status, status)
