from django.urls import path

from . import opendata_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path(
        "statement/<int:employee_id>/<str:period>.pdf",
        views.statement_view,
        name="statement",
    ),
    # Public: the page the statement's QR opens (signed token, no login; docs/adr/0151).
    path("cek/<str:token>/", views.statement_check_view, name="statement_check"),
    # "Potensi usaha baru" (docs/adr/0411): administrators and verifiers.
    path("potensi-usaha/", opendata_views.demand_desk, name="demand"),
    path("<slug:slug>/", views.report_view, name="report"),
]
