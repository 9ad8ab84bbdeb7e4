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
    path("<slug:slug>/", views.report_view, name="report"),
]
