from django.urls import path, re_path

from . import problems
from .views import catalogue, docs, employees, etpp

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", docs.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("periods/", etpp.PeriodListView.as_view(), name="periods"),
    path(
        "periods/<str:period>/deductions/",
        etpp.DeductionExportView.as_view(),
        name="period-deductions",
    ),
    path(
        "deductions/<int:id>/acknowledge/",
        etpp.AcknowledgeView.as_view(),
        name="deduction-acknowledge",
    ),
    path(
        "employees/<str:nip>/compliance/",
        etpp.EmployeeComplianceView.as_view(),
        name="employee-compliance",
    ),
    path(
        "employees/bulk-upsert/",
        employees.EmployeeBulkUpsertView.as_view(),
        name="employee-bulk-upsert",
    ),
    path("employees/<str:nip>", employees.EmployeeUpsertView.as_view(), name="employee-upsert"),
    path("catalogue/products/", catalogue.ProductListView.as_view(), name="catalogue-products"),
    # Anything else under /api/v1/ is a problem+json 404, whatever DEBUG says.
    re_path(r"^.*$", problems.not_found_view),
]
