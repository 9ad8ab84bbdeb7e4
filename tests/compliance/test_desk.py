import pytest
from django.urls import reverse

from ebakul.compliance import selectors, services
from ebakul.compliance.models import JobRun, MonthlyCompliance, Period

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
    services.compute_period(period=PERIOD)
    response = desk.get(reverse(f"admin:compliance_{model}_changelist"))
    assert response.status_code == 200


def test_compute_and_lock_actions_run_the_services_as_jobs(ctx, desk, admin_user):
    e = ctx.employee()
    ctx.buy(e, 100_000)
    p = selectors.period_get_or_default(PERIOD)
    url = reverse("admin:compliance_period_changelist")
    desk.post(url, {"action": "compute_action", "_selected_action": [p.pk]})
    assert MonthlyCompliance.objects.get(employee=e).shortfall == 400_000
    desk.post(url, {"action": "lock_action", "_selected_action": [p.pk]})
    assert Period.objects.get(pk=p.pk).status == "locked"
    assert list(JobRun.objects.order_by("started_at").values_list("job", "status", "actor")) == [
        ("compute_period", "success", admin_user.pk),
        ("lock_period", "success", admin_user.pk),
    ]


def test_results_are_read_only_in_the_desk(ctx, desk):
    e = ctx.employee()
    services.compute_period(period=PERIOD)
    row = MonthlyCompliance.objects.get(employee=e)
    url = reverse("admin:compliance_monthlycompliance_change", args=[row.pk])
    desk.post(url, {"required_spend": 1})
    row.refresh_from_db()
    assert row.required_spend == 500_000
    assert desk.get(reverse("admin:compliance_monthlycompliance_add")).status_code == 403
