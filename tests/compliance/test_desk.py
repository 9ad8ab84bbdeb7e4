import pytest
from django.urls import reverse

from ebakul.compliance.models import MonthlyCompliance
from tests import clock

from .conftest import PERIOD

MODELS = [
    "spendingrule",
    "period",
    "exemption",
    "monthlycompliance",
    "tppdeduction",
    "appeal",
    "jobrun",
    "complianceevent",
    "reminderlog",
]


@pytest.fixture
def desk(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelists_render(ctx, desk, model):
    e = ctx.employee()
    ctx.buy(e, 100_000)
    clock.compute_period(period=PERIOD)
    response = desk.get(reverse(f"admin:compliance_{model}_changelist"))
    assert response.status_code == 200


def test_results_are_read_only_in_the_desk(ctx, desk):
    e = ctx.employee()
    clock.compute_period(period=PERIOD)
    row = MonthlyCompliance.objects.get(employee=e)
    url = reverse("admin:compliance_monthlycompliance_change", args=[row.pk])
    desk.post(url, {"required_spend": 1})
    row.refresh_from_db()
    assert row.required_spend == 500_000
    assert desk.get(reverse("admin:compliance_monthlycompliance_add")).status_code == 403
