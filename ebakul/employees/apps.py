from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployeesConfig(AppConfig):
    name = "ebakul.employees"
    label = "employees"
    verbose_name = _("Employees")

    def ready(self):
        # Which failed logins an OPD operator may clear: accounts asks, never imports this app.
        from ebakul.accounts.selectors import register_operator_usernames

        from .selectors import operator_usernames

        register_operator_usernames(operator_usernames)
