from django.contrib import admin
from django.urls import include, path

from ebakul.monitoring.views import healthz, metrics_view

urlpatterns = [
    # For the load balancer and Prometheus (ADR 0301); no login, no session.
    path("healthz/", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The review workbench lives in the desk's address space, before the admin's catch-all.
    path("desk/tinjau/", include("ebakul.workflow.workbench")),
    # The verifiers' marketplace moderation (docs/adr/0420), also before the catch-all.
    path("desk/pasar/", include("ebakul.marketplace.desk")),
    path("desk/", admin.site.urls),
    path("api/v1/", include("ebakul.api.urls")),
    path("reports/", include("ebakul.reports.urls")),
    # Open data: public, no login (docs/open-data.md).
    path("data/", include("ebakul.reports.opendata_urls")),
    path("", include("ebakul.portal.urls")),
]
# Under /api/ these answer with problem+json; elsewhere they defer to Django's defaults.
handler400 = "ebakul.api.problems.handler400"
handler403 = "ebakul.api.problems.handler403"
handler404 = "ebakul.api.problems.handler404"
handler500 = "ebakul.api.problems.handler500"
# Uploaded files (receipt photos) are personal data and are never served as public media, not
# even in the demo: they go through the row-scoped view ``portal:receipt``.
