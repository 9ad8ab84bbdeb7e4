from django.db.models import QuerySet

from ebakul.accounts import roles
from ebakul.employees.selectors import scope_by_employee

from .models import Purchase


def purchases_visible_to(user) -> QuerySet[Purchase]:
    """Row scoping for purchases, used by desk, portal, reports and API alike."""
    qs = Purchase.objects.select_related("employee", "merchant", "category")

    def merchants_own(q: QuerySet[Purchase]) -> QuerySet[Purchase]:
        return q.filter(merchant__user=user) if roles.has_role(user, roles.MERCHANT) else q.none()

    # admins and verifiers all, operators their units, employees their own (one rule, employees
    # app); a merchant the sales recorded against their business
    return scope_by_employee(qs, user, otherwise=merchants_own)
