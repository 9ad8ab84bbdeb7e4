"""Open data: public, no login (docs/open-data.md, docs/adr/0410)."""

from django.urls import path

from . import opendata_views as views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("panduan/", views.fields, name="fields"),
    path("<str:period>.csv", views.month_csv, name="month_csv"),
    path("<str:period>.json", views.month_json, name="month_json"),
    path("<str:period>/", views.month, name="month"),
    path("<str:period>/potensi-usaha/", views.demand, name="demand"),
]
