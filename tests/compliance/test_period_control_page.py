"""Issue 11, item 2: a guarded period control page in the desk instead of bulk actions, and
computing before the verification close only as a simulation that nobody but administrators
sees (ADR 0100)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ebakul.compliance import selectors, services
from ebakul.compliance.models import (
    ComplianceEvent,
    JobRun,
    MonthlyCompliance,
    Period,
    TppDeduction,
)
from ebakul.core.errors import DomainError
from tests import clock

from .conftest import PERIOD

RAW_DICT = re.compile(r"\{'[a-z_]+': ")


def control_url(p):
    return reverse("admin:compliance_period_control", args=[p.pk])


@pytest.fixture
def desk(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def short_employee(ctx, employee_user):
    e = employee_user.employee
    e.tpp_ceiling = 5_000_000
    e.save()
    ctx.buy(e, 100_000)
    return e


def snapshot():
    return (
        list(MonthlyCompliance.objects.values_list("pk", "status", "deduction_amount")),
        list(TppDeduction.objects.values_list("pk", "status", "deduction_amount")),
        list(Period.objects.values_list("period", "status", "computed_at", "locked_at")),
    )


# --- (b) the service guard and the simulation ---------------------------------------------------


def test_compute_and_lock_before_the_verification_close_are_refused(short_employee, admin_user):
    p = selectors.period_get_or_create(PERIOD)
    assert timezone.now() < p.verification_close
    before = snapshot()
    for service in (services.compute_period, services.lock_period):
        with pytest.raises(DomainError) as exc:
            service(period=PERIOD, actor=admin_user)
        assert exc.value.code == "before_verification_close"
        message = str(exc.value.message)
        assert f"Periode {PERIOD} belum bisa dihitung" in message and "simulasi" in message
    assert snapshot() == before
    assert not ComplianceEvent.objects.filter(kind__in=["computed", "locked"]).exists()


def test_a_simulation_is_never_seen_by_the_employee_nor_exported(
    short_employee, admin_user, employee_user, client
):
    stats = services.compute_period(period=PERIOD, actor=admin_user, simulate=True)
    assert stats["simulation"] is True and stats["shortfall"] == 1
    assert stats["deduction_total"] == 400_000
    # Nothing stored: no result, no draft, the period still open; only the audit event.
    assert not MonthlyCompliance.objects.exists() and not TppDeduction.objects.exists()
    assert Period.objects.get(period=PERIOD).status == "open"
    assert ComplianceEvent.objects.get(kind="simulated").data["deduction_total"] == 400_000
    # The employee's live progress shows no deduction figure from it and no monthly result.
    assert list(selectors.deductions_for_export(period=PERIOD)) == []
    client.force_login(employee_user)
    home = client.get(reverse("portal:employee_home")).content.decode()
    assert "Rp400.000" not in home and "statements" not in home


def test_a_simulation_needs_an_administrator(short_employee, verifier):
    from ebakul.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.compute_period(period=PERIOD, actor=verifier, simulate=True)
    assert not ComplianceEvent.objects.filter(kind="simulated").exists()


# --- (c) the page ---------------------------------------------------------------------------


def test_control_page_renders_in_indonesian_with_calendar_and_preview(desk, short_employee):
    p = selectors.period_get_or_create(PERIOD)
    response = desk.get(control_url(p))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Kendali periode {PERIOD}" in html
    for text in (
        "Penutupan pengajuan",
        "Penutupan verifikasi",
        "Hari ini:",
        "Perkiraan (simulasi)",
    ):
        assert text in html, text
    assert 'id="preview-total">Rp400.000<' in html
    assert "<dt>Pegawai yang wajib</dt>" in html
    # Before the verification close only the simulation is offered.
    assert 'id="form-simulate"' in html
    assert 'id="form-compute"' not in html and 'id="form-lock"' not in html
    assert not RAW_DICT.search(html)


@pytest.mark.parametrize("who", ["operator_user", "verifier"])
def test_control_page_is_for_administrators_only(client, short_employee, who, request):
    p = selectors.period_get_or_create(PERIOD)
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = snapshot()
    for url in (
        control_url(p),
        reverse("admin:compliance_period_control_progress", args=[p.pk]),
        reverse("admin:compliance_period_control_current"),
    ):
        assert client.get(url).status_code in (403, 404)
    with clock.after_verification_close(PERIOD):
        client.force_login(user)  # the session of "today" has expired by then
        response = client.post(control_url(p), {"step": "compute", "confirm_period": PERIOD})
    assert response.status_code in (403, 404)
    assert snapshot() == before


def test_post_without_confirmation_changes_nothing(desk, short_employee, admin_user):
    p = selectors.period_get_or_create(PERIOD)
    before = snapshot()
    with clock.after_verification_close(PERIOD):
        desk.force_login(admin_user)
        for data in (
            {"step": "compute"},
            {"step": "compute", "confirm_period": ""},
            {"step": "lock", "confirm_period": "2001-01"},
        ):
            response = desk.post(control_url(p), data)
            assert response.status_code == 200
            assert f"Ketik {PERIOD} persis untuk mengonfirmasi" in response.content.decode()
    assert snapshot() == before
    assert not JobRun.objects.exists()
    assert desk.get(control_url(p)).status_code == 200  # GET never runs a step


def test_confirmed_steps_run_and_report_in_plain_indonesian(desk, short_employee, admin_user):
    p = selectors.period_get_or_create(PERIOD)
    # Before the close: a compute forced by a crafted POST is refused by the service.
    response = desk.post(control_url(p), {"step": "compute", "confirm_period": PERIOD}, follow=True)
    html = response.content.decode()
    assert "Tidak dijalankan: Periode" in html and not MonthlyCompliance.objects.exists()
    # A simulation: stored nowhere, reported as an estimate.
    response = desk.post(
        control_url(p), {"step": "simulate", "confirm_period": PERIOD}, follow=True
    )
    html = response.content.decode()
    assert f"Perkiraan (simulasi) periode {PERIOD}:" in html
    assert "1 pegawai: 0 memenuhi, 1 kurang, 0 dikecualikan; total potongan Rp400.000" in html
    assert not MonthlyCompliance.objects.exists()
    with clock.after_verification_close(PERIOD):
        desk.force_login(admin_user)
        response = desk.post(
            control_url(p), {"step": "compute", "confirm_period": PERIOD}, follow=True
        )
        html = response.content.decode()
        assert f"Periode {PERIOD} sudah dihitung:" in html
        assert 'id="form-lock"' in html
        response = desk.post(
            control_url(p), {"step": "lock", "confirm_period": PERIOD}, follow=True
        )
    html = response.content.decode()
    assert f"Periode {PERIOD} dihitung ulang dari data terbaru lalu dikunci:" in html
    assert "berubah sejak perhitungan: 0 pegawai" in html
    assert Period.objects.get(pk=p.pk).status == "locked"
    assert not RAW_DICT.search(html)
    desk.force_login(admin_user)
    runs = list(JobRun.objects.order_by("started_at", "id").values_list("job", "status", "actor"))
    assert runs == [
        ("compute_period", "failed", admin_user.pk),
        ("simulate_period", "success", admin_user.pk),
        ("compute_period", "success", admin_user.pk),
        ("lock_period", "success", admin_user.pk),
    ]
    # The period's change page shows the count and links to the control page.
    change = desk.get(reverse("admin:compliance_period_change", args=[p.pk])).content.decode()
    assert "berubah sejak perhitungan: 0 pegawai" in change and control_url(p) in change


def test_progress_endpoint_reports_a_running_step(desk, short_employee, admin_user):
    from django.core.cache import cache

    from ebakul.compliance.tasks import progress_key

    p = selectors.period_get_or_create(PERIOD)
    url = reverse("admin:compliance_period_control_progress", args=[p.pk])
    assert desk.get(url).json() == {"running": False}
    JobRun.objects.create(
        job="lock_period", period=PERIOD, status="running", started_at=timezone.now()
    )
    cache.set(progress_key("lock_period", PERIOD), {"stage": "write", "done": 5, "total": 10})
    try:
        data = desk.get(url).json()
    finally:
        cache.delete(progress_key("lock_period", PERIOD))
    assert data["running"] is True and (data["done"], data["total"]) == (5, 10)
    assert data["outcome"].startswith("Masih berjalan")


def test_sidebar_entry_opens_the_period_waiting_for_action(desk, ref):
    from ebakul.core.periods import current_period, previous_period

    waiting = selectors.period_get_or_create(previous_period(current_period()))
    response = desk.get(reverse("admin:compliance_period_control_current"))
    assert response.status_code == 302 and response.url == control_url(waiting)
    assert "Kendali periode" in desk.get(reverse("admin:index")).content.decode()


def test_the_bulk_actions_are_gone(desk, ref, admin_user):
    p = selectors.period_get_or_create(PERIOD)
    url = reverse("admin:compliance_period_changelist")
    html = desk.get(url).content.decode()
    assert "compute_action" not in html and "lock_action" not in html
    assert control_url(p) in html
    with clock.after_verification_close(PERIOD):
        desk.force_login(admin_user)
        desk.post(url, {"action": "compute_action", "_selected_action": [p.pk]})
    assert Period.objects.get(pk=p.pk).status == "open"
