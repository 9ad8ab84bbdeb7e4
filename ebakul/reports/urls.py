from django.urls import path

from . import views

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
    path("<slug:slug>/", views.report_view, name="report"),
]
