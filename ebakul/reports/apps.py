from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ebakul.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # The desk index shows the dashboard. unfold's own admin/index.html would shadow an app
        # template of the same name (unfold comes first in INSTALLED_APPS), so the site is told
        # which template to use; the figures come from UNFOLD["DASHBOARD_CALLBACK"].
        from django.contrib import admin

        admin.site.index_template = "reports/dashboard.html"

        # The marketplace's sections of "Potensi usaha baru" (docs/adr/0411).
        from .marketplace_insights import register

        register()
