"""Employee sync from e-TPP: upsert one, bulk upsert many (each row on its own)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from ebakul.api import problems
from ebakul.api.serializers import (
    BulkResultSerializer,
    EmployeeBulkRowSerializer,
    EmployeeSerializer,
    EmployeeUpsertSerializer,
)
from ebakul.employees.models import Employee
from ebakul.employees.services import employee_upsert

from .base import COMMON_ERRORS, ApiView, problem

BULK_MAX_ROWS = 1000
NIP_PARAMETER = OpenApiParameter(
    "nip", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^\d{18}$", description="18 digits"
)
MSG_NIP_MISMATCH = _("The NIP in the body differs from the NIP in the address.")
MSG_BULK_NOT_LIST = _("Send a JSON array of employee objects.")
MSG_BULK_TOO_MANY = _("At most %(max)d rows per request.")
MSG_ROW_NOT_OBJECT = _("Each row must be a JSON object.")


def employee_representation(employee: Employee) -> dict:
    return EmployeeSerializer(employee).data


class EmployeeUpsertView(ApiView):
    @extend_schema(
        operation_id="employee_upsert",
        summary="Create or update an employee by NIP",
        description=(
            "Creates (201) or updates (200) the employee with this NIP and returns it as stored. "
            "The NIP structure (PNS), the job class and the unit code are validated; a refused "
            "request changes nothing."
        ),
        parameters=[NIP_PARAMETER],
        request=EmployeeUpsertSerializer,
        responses={
            200: OpenApiResponse(EmployeeSerializer, description="Updated."),
            201: OpenApiResponse(EmployeeSerializer, description="Created."),
            400: problem("Invalid NIP, class, unit or field.", validation=True),
            **COMMON_ERRORS,
        },
        tags=["employees"],
    )
    def put(self, request, nip: str):
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": [MSG_ROW_NOT_OBJECT]})
        body_nip = request.data.get("nip")
        if body_nip not in (None, "") and str(body_nip) != nip:
            raise exceptions.ValidationError({"nip": [MSG_NIP_MISMATCH]})
        # employee_upsert validates the raw body itself: one set of rules for the API and the
        # import (docs/adr/0211); a DjangoValidationError becomes the 400 problem.
        employee, created = employee_upsert(data={**request.data, "nip": nip}, actor=request.user)
        employee = Employee.objects.select_related("employee_class", "work_unit").get(
            pk=employee.pk
        )
        return Response(
            employee_representation(employee),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class EmployeeBulkUpsertView(ApiView):
    @extend_schema(
        operation_id="employee_bulk_upsert",
        summary="Create or update many employees; each row applied or rejected on its own",
        description=(
            f"At most {BULK_MAX_ROWS} rows. Each row is applied in its own savepoint: a rejected "
            "row changes nothing, accepted rows are stored. The response lists every row."
        ),
        request=EmployeeBulkRowSerializer(many=True),
        responses={
            200: OpenApiResponse(BulkResultSerializer, description="Per-row results."),
            400: problem("The body is not a list, or too long.", validation=True),
            **COMMON_ERRORS,
        },
        tags=["employees"],
    )
    def post(self, request):
        rows = request.data
        if not isinstance(rows, list):
            raise exceptions.ValidationError({"non_field_errors": [MSG_BULK_NOT_LIST]})
        if len(rows) > BULK_MAX_ROWS:
            raise exceptions.ValidationError(
                {"non_field_errors": [MSG_BULK_TOO_MANY % {"max": BULK_MAX_ROWS}]}
            )
        results, counts = [], {"created": 0, "updated": 0, "rejected": 0}
        for index, row in enumerate(rows):
            nip = row.get("nip") if isinstance(row, dict) else None
            result = {"index": index, "nip": None if nip is None else str(nip), "errors": []}
            if not isinstance(row, dict):
                result["errors"] = [{"field": None, "message": str(MSG_ROW_NOT_OBJECT)}]
            else:
                try:
                    # employee_upsert validates the raw row (docs/adr/0211) and is atomic on
                    # its own: a savepoint per row.
                    _employee, created = employee_upsert(data=row, actor=request.user)
                except DjangoValidationError as exc:
                    result["errors"] = problems.validation_errors(exc)
                else:
                    result["status"] = "created" if created else "updated"
            if result["errors"]:
                result["status"] = "rejected"
            counts[result["status"]] += 1
            results.append(
                {
                    "index": index,
                    "nip": result["nip"],
                    "status": result["status"],
                    "errors": result["errors"],
                }
            )
        return Response({**counts, "results": results})
