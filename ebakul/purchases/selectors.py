from django.db.models import QuerySet

from ebakul.accounts import roles
from ebakul.employees.selectors import operator_unit_ids

from .models import Purchase


def purchases_visible_to(user) -> QuerySet[Purchase]:
    """Row scoping for purchases, used by desk, portal, reports and API alike."""
    qs = Purchase.objects.select_related("employee", "merchant", "category")
    if not user or not user.is_authenticated:
        return qs.none()
    if roles.is_admin_or_verifier(user):
        return qs
    if roles.has_role(user, roles.UNIT_OPERATOR):
        return qs.filter(employee__work_unit_id__in=operator_unit_ids(user))
    if roles.has_role(user, roles.EMPLOYEE):
        return qs.filter(employee__user=user)
    if roles.has_role(user, roles.MERCHANT):
        return qs.filter(merchant__user=user)
    return qs.none()
