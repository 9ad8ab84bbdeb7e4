"""Request and response shapes of API v1 (the contract in docs/api.md). No business rules here."""

import re

from rest_framework import serializers

from ebakul.employees.models import EmployeeType

# Named choice sets, so the OpenAPI enums get stable names (SPECTACULAR_SETTINGS).
PERIOD_STATUSES = [("open", "open"), ("computed", "computed"), ("locked", "locked")]
DEDUCTION_STATUSES = [
    ("final", "final"),
    ("acknowledged", "acknowledged"),
    ("cancelled", "cancelled"),
]
BULK_ROW_STATUSES = [("created", "created"), ("updated", "updated"), ("rejected", "rejected")]


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ValidationProblemSerializer(ProblemSerializer):
    errors = FieldErrorSerializer(many=True)


class AsciiIntegerField(serializers.IntegerField):
    """DRF's IntegerField, but a number sent as a string must be written with ASCII digits:
    ``int()`` also reads full-width and Arabic-Indic digits."""

    _ASCII = re.compile(r"\s*-?[0-9]+(\.0*)?\s*")

    def to_internal_value(self, data):
        if isinstance(data, str) and not self._ASCII.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class EmployeeUpsertSerializer(serializers.Serializer):
    """The contract's shape for the OpenAPI schema only: the rules are those of
    ``ebakul.employees.services.employee_upsert_clean`` (docs/adr/0211), which the views call
    with the raw body."""

    name = serializers.CharField(max_length=150)
    employee_type = serializers.ChoiceField(choices=EmployeeType.choices)
    employee_class = AsciiIntegerField(min_value=1, max_value=99)
    unit_code = serializers.CharField(max_length=20)
    tpp_ceiling = AsciiIntegerField(
        min_value=0,
        allow_null=True,
        required=False,
        help_text="Integer rupiah. Null: the job class default. Left out: unchanged.",
    )
    active = serializers.BooleanField(required=False, help_text="Left out: unchanged (new: true).")
    nik = serializers.RegexField(
        r"^[0-9]{16}$",
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="NIK (16 digits: region, birth date DDMMYY with day+40 for women, serial). "
        "Left out: unchanged. Empty or null: cleared.",
    )
    kk_number = serializers.RegexField(
        r"^[0-9]{16}$",
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Family card (KK) number, 16 digits. Left out: unchanged. Empty or null: "
        "cleared.",
    )


class EmployeeBulkRowSerializer(EmployeeUpsertSerializer):
    nip = serializers.CharField(max_length=18, min_length=18)


class EmployeeSerializer(serializers.Serializer):
    nip = serializers.CharField()
    name = serializers.CharField()
    employee_type = serializers.CharField()
    employee_class = serializers.IntegerField(source="employee_class.number")
    unit_code = serializers.CharField(source="work_unit.code")
    tpp_ceiling = serializers.IntegerField(allow_null=True)
    effective_tpp_ceiling = serializers.IntegerField()
    active = serializers.BooleanField()
    nik_masked = serializers.CharField(
        help_text="The stored NIK masked (region and last two digits); empty when none."
    )
    kk_number_masked = serializers.CharField(
        help_text="The stored family card number masked; empty when none."
    )
    updated_at = serializers.DateTimeField()


class BulkRowResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    nip = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=BULK_ROW_STATUSES)
    errors = FieldErrorSerializer(many=True)


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = BulkRowResultSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    period = serializers.CharField()
    status = serializers.ChoiceField(choices=PERIOD_STATUSES)
    locked_at = serializers.DateTimeField(allow_null=True)


class DeductionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()
    unit_code = serializers.CharField()
    employee_class = serializers.IntegerField()
    tpp_ceiling = serializers.IntegerField()
    required_spend = serializers.IntegerField()
    verified_spend = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    sanction_mode = serializers.CharField()
    deduction_amount = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DEDUCTION_STATUSES)
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    adjustment_amount = serializers.IntegerField(
        help_text="Reduction granted by accepted appeals, already subtracted from "
        "deduction_amount (0 when none)."
    )
    adjustment_reason = serializers.CharField(
        allow_blank=True, help_text="The reasons of those reductions (empty when none)."
    )


class DeductionPageSerializer(serializers.Serializer):
    period = serializers.CharField()
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    results = DeductionRowSerializer(many=True)


class AcknowledgeSerializer(serializers.Serializer):
    etpp_reference = serializers.CharField(max_length=64)
    applied_amount = serializers.IntegerField(min_value=0)
    applied_at = serializers.DateTimeField()


class AcknowledgementSerializer(DeductionRowSerializer):
    period = serializers.CharField()
    etpp_reference = serializers.CharField()
    applied_amount = serializers.IntegerField()
    applied_at = serializers.DateTimeField()


class EmployeeComplianceSerializer(serializers.Serializer):
    nip = serializers.CharField()
    period = serializers.CharField()
    period_status = serializers.ChoiceField(choices=PERIOD_STATUSES)
    required_spend = serializers.IntegerField()
    verified_spend = serializers.IntegerField()
    pending_spend = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    status = serializers.CharField()
    deduction = DeductionRowSerializer(allow_null=True)
