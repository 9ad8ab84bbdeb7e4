"""The e-TPP side of compliance: periods, the deduction export of a locked period, the
acknowledgement of applied deductions, and one employee's result for a period."""

import base64
import binascii
import datetime as dt
import json
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, connections
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from ebakul.api import problems
from ebakul.api.serializers import (
    AcknowledgementSerializer,
    AcknowledgeSerializer,
    DeductionPageSerializer,
    EmployeeComplianceSerializer,
    PeriodSerializer,
)
from ebakul.compliance import adjustments as cadj
from ebakul.compliance import selectors as cs
from ebakul.compliance import services as compliance_services
from ebakul.compliance.models import MonthlyCompliance, Period, PeriodStatus, TppDeduction
from ebakul.core.db import reading_alias, reads_from_replica
from ebakul.core.errors import ConflictError
from ebakul.core.periods import PERIOD_PATTERN, clean_period
from ebakul.employees.models import Employee, EmployeeClass, WorkUnit

from .base import COMMON_ERRORS, ApiView, problem
from .employees import NIP_PARAMETER

DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 1000
MSG_PERIOD_NOT_FINAL = _(
    "Period %(period)s is not final yet (status: %(status)s): deductions are published when the "
    "period is locked."
)
MSG_PAGE_SIZE = _("page_size must be a whole number from 1 to %(max)d.")
MSG_BAD_CURSOR = _("Invalid cursor: use the next link of the previous page.")

_dt = serializers.DateTimeField()

ROW_FIELDS = cs.EXPORT_COLUMNS


# The page query on MariaDB/MySQL, written out so the join order is fixed: walk the employees in
# NIP order on the ``nip`` unique index and stop after ``limit`` matches. Left to itself the
# optimizer starts from a small table (work units, job classes) or from all the deductions of the
# period, and sorts ~8,500 rows for every page (see docs/adr/0043-export-pagination.md).
# Scope and columns as in compliance's ``current_deductions_for_export`` (never drafts, current
# versions: nothing supersedes them) and ``EXPORT_COLUMNS`` (tests/api check both agree).
_PAGE_SQL = """
SELECT STRAIGHT_JOIN d.id, e.nip, e.name, w.code, COALESCE(c.number, ec.number), m.tpp_ceiling,
       m.required_spend, m.verified_spend, m.shortfall, d.sanction_mode, d.deduction_amount,
       d.status, d.version, d.updated_at
FROM {employee} e
JOIN {deduction} d ON d.employee_id = e.id AND d.period = %s AND d.status <> 'draft'
LEFT JOIN {deduction} s ON s.supersedes_id = d.id
JOIN {compliance} m ON m.id = d.compliance_id
JOIN {unit} w ON w.id = e.work_unit_id
JOIN {klass} ec ON ec.id = e.employee_class_id
LEFT JOIN {klass} c ON c.id = m.employee_class_id
WHERE s.id IS NULL AND e.nip > %s{unit_filter}
ORDER BY e.nip
LIMIT %s
"""


def page_rows(*, period: str, after: str | None, unit: str | None, limit: int) -> list[dict]:
    """Up to ``limit`` export rows of ``period`` after NIP ``after``, in NIP order."""
    if connection.vendor != "mysql":
        qs = cs.current_deductions_for_export(period=period).order_by("employee__nip")
        if unit:
            qs = qs.filter(employee__work_unit__code=unit)
        if after is not None:
            qs = qs.filter(employee__nip__gt=after)
        return list(cs.deduction_export_rows(qs)[:limit])
    sql = _PAGE_SQL.format(
        employee=Employee._meta.db_table,
        deduction=TppDeduction._meta.db_table,
        compliance=MonthlyCompliance._meta.db_table,
        unit=WorkUnit._meta.db_table,
        klass=EmployeeClass._meta.db_table,
        unit_filter=" AND w.code = %s" if unit else "",
    )
    params = [period, after or "", *([unit] if unit else []), limit]
    with connections[reading_alias()].cursor() as cursor:  # the replica when configured
        cursor.execute(sql, params)
        rows = [dict(zip(ROW_FIELDS, r, strict=True)) for r in cursor.fetchall()]
    for row in rows:
        if timezone.is_naive(row["updated_at"]):
            row["updated_at"] = timezone.make_aware(row["updated_at"], dt.UTC)
    return rows


def render_row(row: dict, adjustments: dict | None = None) -> dict:
    """One export row. ``adjustments`` (NIP → (amount, reason), from
    ``compliance.adjustments.for_export``) adds the reductions granted by accepted appeals;
    ``deduction_amount`` already has them subtracted (ADR 0106)."""
    out = {name: row[name] for name in ROW_FIELDS}
    out["updated_at"] = _dt.to_representation(row["updated_at"])
    amount, reason = (adjustments or {}).get(row["nip"], (0, ""))
    out["adjustment_amount"] = amount
    out["adjustment_reason"] = reason
    return out


def _adjustments(period: str, rows) -> dict:
    return cadj.for_export(period, nips=[r["nip"] for r in rows]) if rows else {}


def _encode_cursor(nip: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": nip}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))["after"]
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error) as exc:
        raise exceptions.ValidationError({"cursor": [MSG_BAD_CURSOR]}) from exc
    if not isinstance(after, str):
        raise exceptions.ValidationError({"cursor": [MSG_BAD_CURSOR]})
    return after


def _valid_period(period: str) -> str:
    """The period of a request (core's one strict parser), or a 400 naming the field."""
    try:
        return clean_period(period)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"period": exc.messages}) from exc


def _page_size(raw: str) -> int:
    """``page_size``: ASCII digits only (``int()`` would take other scripts' digits and
    ``isdigit()`` accepts superscripts that ``int()`` then refuses), within the bounds."""
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError({"page_size": [MSG_PAGE_SIZE % {"max": MAX_PAGE_SIZE}]})
    return int(raw)


@method_decorator(reads_from_replica, name="dispatch")
class PeriodListView(ApiView):
    @extend_schema(
        operation_id="periods_list",
        summary="Periods and their status",
        description="Every period eBakul knows, newest first. Deductions are final once locked.",
        responses={200: PeriodSerializer(many=True), **COMMON_ERRORS},
        tags=["periods"],
    )
    def get(self, request):
        periods = Period.objects.order_by("-period").values("period", "status", "locked_at")
        return Response(
            [
                {
                    "period": p["period"],
                    "status": p["status"],
                    "locked_at": _dt.to_representation(p["locked_at"]) if p["locked_at"] else None,
                }
                for p in periods
            ]
        )


@method_decorator(reads_from_replica, name="dispatch")
class DeductionExportView(ApiView):
    @extend_schema(
        operation_id="period_deductions",
        summary="Deductions of a locked period, one row per employee subject to the rule",
        description=(
            "Cursor pagination ordered by NIP. Follow `next` until it is null. Only for a locked "
            "period; otherwise 409."
        ),
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=PERIOD_PATTERN
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"1 to {MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}.",
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="From the `next` link."),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Work unit code (OPD)."),
        ],
        responses={
            200: DeductionPageSerializer,
            400: problem("Malformed period, page size or cursor.", validation=True),
            409: problem("The period is not locked (not final) yet."),
            **COMMON_ERRORS,
        },
        tags=["periods"],
    )
    def get(self, request, period: str):
        period = _valid_period(period)
        params = request.query_params
        size = _page_size(params.get("page_size", str(DEFAULT_PAGE_SIZE)))
        after = _decode_cursor(params["cursor"]) if params.get("cursor") else None

        status = Period.objects.filter(period=period).values_list("status", flat=True).first()
        if status != PeriodStatus.LOCKED:
            return problems.problem_response(
                409,
                type_slug="period-not-final",
                title=_("Period not final"),
                detail=MSG_PERIOD_NOT_FINAL % {"period": period, "status": status or "open"},
                period=period,
                period_status=status or "open",
            )

        qs = cs.current_deductions_for_export(period=period)
        if params.get("unit"):
            qs = qs.filter(employee__work_unit__code=params["unit"])
        count = qs.count()
        rows = page_rows(period=period, after=after, unit=params.get("unit"), limit=size + 1)
        next_url = None
        if len(rows) > size:
            rows = rows[:size]
            url = request.build_absolute_uri()
            next_url = replace_query_param(url, "cursor", _encode_cursor(rows[-1]["nip"]))
            next_url = replace_query_param(next_url, "page_size", size)
        adjusted = _adjustments(period, rows)
        return Response(
            {
                "period": period,
                "count": count,
                "next": next_url,
                "results": [render_row(r, adjusted) for r in rows],
            }
        )


class AcknowledgeView(ApiView):
    @extend_schema(
        operation_id="deduction_acknowledge",
        summary="e-TPP applied this deduction (idempotent)",
        description=(
            "The same reference and amount again returns 200 and the same body. A different "
            "reference or amount for an acknowledged deduction returns 409 and changes nothing."
        ),
        request=AcknowledgeSerializer,
        responses={
            200: AcknowledgementSerializer,
            400: problem("Invalid body.", validation=True),
            404: problem("No such deduction (or not published)."),
            409: problem("Acknowledged before with another reference or amount, or not final."),
            **COMMON_ERRORS,
        },
        tags=["deductions"],
    )
    def post(self, request, id: int):
        deduction = get_object_or_404(cs.deductions_for_export(), pk=id)
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            compliance_services.deduction_acknowledge(
                deduction=deduction,
                etpp_reference=body.validated_data["etpp_reference"],
                applied_amount=body.validated_data["applied_amount"],
                applied_at=body.validated_data["applied_at"],
                actor=request.user,
            )
        except ConflictError as exc:
            slug = (
                "acknowledgement-conflict"
                if exc.message == compliance_services.MSG_DEDUCTION_ACK_CONFLICT
                else "deduction-not-final"
            )
            return problems.problem_response(409, type_slug=slug, detail=exc.message)
        return Response(acknowledgement_body(deduction.pk))


def acknowledgement_body(pk: int) -> dict:
    row = cs.deduction_export_rows(
        TppDeduction.objects.filter(pk=pk),
        "period",
        "etpp_reference",
        "applied_amount",
        "applied_at",
    ).get()
    out = render_row(row, _adjustments(row["period"], [row]))
    out.update(
        period=row["period"],
        etpp_reference=row["etpp_reference"],
        applied_amount=row["applied_amount"],
        applied_at=_dt.to_representation(row["applied_at"]) if row["applied_at"] else None,
    )
    return out


@method_decorator(reads_from_replica, name="dispatch")
class EmployeeComplianceView(ApiView):
    @extend_schema(
        operation_id="employee_compliance",
        summary="An employee's result for a period",
        description=(
            "Live progress while the period is open or computed; the stored, final result once "
            "it is locked. `deduction` is the current published deduction (locked periods only)."
        ),
        parameters=[
            NIP_PARAMETER,
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                required=True,
                pattern=PERIOD_PATTERN,
                description="YYYY-MM",
            ),
        ],
        responses={
            200: EmployeeComplianceSerializer,
            400: problem("Missing or malformed period.", validation=True),
            404: problem("No employee with this NIP."),
            **COMMON_ERRORS,
        },
        tags=["employees"],
    )
    def get(self, request, nip: str):
        period = _valid_period(request.query_params.get("period", ""))
        employee = get_object_or_404(Employee, nip=nip)
        progress = cs.employee_progress(employee=employee, period=period)
        row = None
        if progress.get("period_status") == PeriodStatus.LOCKED:
            found = cs.deduction_export_rows(
                cs.current_deductions_for_export(period=period).filter(employee=employee)
            ).first()
            row = render_row(found, _adjustments(period, [found])) if found else None
        return Response(
            {
                "nip": employee.nip,
                "period": period,
                "period_status": progress.get("period_status"),
                "required_spend": progress["required"],
                "verified_spend": progress["verified"],
                "pending_spend": progress["pending"],
                "shortfall": progress["shortfall"],
                "status": progress["status"],
                "deduction": row,
            }
        )
