"""Finding 4 of issue 10: exemptions were open to every desk user (all units listed, dates and
reasons changeable by operators and verifiers). Now: scoped by the employee's unit, proposed by
administrators, verifiers and the unit's operator, corrected while pending only by an
administrator or the unit's operator, decided only by an administrator (docs/adr/0087)."""

import datetime as dt

import pytest
from django.urls import reverse

from ebakul.compliance import services
from ebakul.compliance.models import ComplianceEvent, Exemption
from ebakul.core.errors import PermissionDeniedError
from ebakul.employees.models import WorkUnit
from tests.factories import EmployeeFactory

ADD = reverse("admin:compliance_exemption_add")
LIST = reverse("admin:compliance_exemption_changelist")


def change_url(ex):
    return reverse("admin:compliance_exemption_change", args=[ex.pk])


@pytest.fixture
def exemptions(ref):
    dinkes, bpkad = WorkUnit.objects.get(code="DINKES"), WorkUnit.objects.get(code="BPKAD")
    ours, theirs = EmployeeFactory(work_unit=dinkes), EmployeeFactory(work_unit=bpkad)

    def make(employee):
        return Exemption.objects.create(
            employee=employee,
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2026, 3, 10),
            reason="leave",
            note="asli",
        )

    return {"ours": make(ours), "theirs": make(theirs), "ours_emp": ours, "theirs_emp": theirs}


def _state(ex):
    ex = Exemption.objects.get(pk=ex.pk)
    return (
        ex.employee_id,
        ex.start_date,
        ex.end_date,
        ex.reason,
        ex.note,
        ex.status,
        ex.decided_by_id,
        Exemption.history.filter(id=ex.pk).count(),
    )


def _post(ex, **changes):
    data = {
        "employee": ex.employee_id,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "reason": "other",
        "note": "diubah",
    }
    data.update(changes)
    return data


def test_operator_lists_only_their_units_exemptions(client, operator_user, exemptions):
    client.force_login(operator_user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [e.pk for e in response.context["cl"].result_list] == [exemptions["ours"].pk]


def test_operator_cannot_open_or_change_another_units_exemption(client, operator_user, exemptions):
    theirs = exemptions["theirs"]
    before = _state(theirs)
    client.force_login(operator_user)
    assert client.get(change_url(theirs)).status_code == 302  # "does not exist"
    client.post(change_url(theirs), _post(theirs))
    assert _state(theirs) == before
    with pytest.raises(PermissionDeniedError):
        services.exemption_update(exemption=theirs, actor=operator_user, note="diubah")
    assert _state(theirs) == before


def test_operator_corrects_and_proposes_for_their_unit_only(client, operator_user, exemptions):
    ours = exemptions["ours"]
    client.force_login(operator_user)
    response = client.post(change_url(ours), _post(ours))
    assert response.status_code == 302
    assert Exemption.objects.get(pk=ours.pk).note == "diubah"

    count = Exemption.objects.count()
    response = client.post(ADD, _post(ours, employee=exemptions["theirs_emp"].pk))
    assert response.status_code == 200  # form error: not one of their employees
    assert Exemption.objects.count() == count
    with pytest.raises(PermissionDeniedError):
        services.exemption_create(
            employee=exemptions["theirs_emp"],
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2026, 1, 2),
            reason="leave",
            actor=operator_user,
        )
    assert Exemption.objects.count() == count

    response = client.post(ADD, _post(ours, employee=exemptions["ours_emp"].pk))
    assert response.status_code == 302
    new = Exemption.objects.order_by("-pk").first()
    assert (new.employee_id, new.status, new.requested_by) == (
        exemptions["ours_emp"].pk,
        "pending",
        operator_user,
    )


def test_operator_cannot_approve_even_their_own_units_exemption(client, operator_user, exemptions):
    ours = exemptions["ours"]
    before = _state(ours)
    client.force_login(operator_user)
    response = client.get(LIST)
    assert "approve_action" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )
    client.post(LIST, {"action": "approve_action", "_selected_action": [ours.pk]})
    assert _state(ours) == before
    with pytest.raises(PermissionDeniedError):
        services.exemption_approve(exemption=ours, actor=operator_user)
    assert _state(ours) == before


def test_verifier_reads_all_but_changes_nothing(client, verifier, exemptions):
    client.force_login(verifier)
    rows = client.get(LIST).context["cl"].result_list
    assert {e.pk for e in rows} == {exemptions["ours"].pk, exemptions["theirs"].pk}
    events = ComplianceEvent.objects.count()
    for ex in (exemptions["ours"], exemptions["theirs"]):
        before = _state(ex)
        page = client.get(change_url(ex))
        assert page.status_code == 200
        assert not page.context["adminform"].form.fields  # read-only
        client.post(change_url(ex), _post(ex))
        client.post(LIST, {"action": "approve_action", "_selected_action": [ex.pk]})
        assert _state(ex) == before
        with pytest.raises(PermissionDeniedError):
            services.exemption_update(exemption=ex, actor=verifier, note="diubah")
        assert _state(ex) == before
    assert ComplianceEvent.objects.count() == events


def test_decided_exemption_is_read_only_even_for_an_administrator(client, admin_user, exemptions):
    ours = exemptions["ours"]
    services.exemption_approve(exemption=ours, actor=admin_user)
    before = _state(ours)
    client.force_login(admin_user)
    assert not client.get(change_url(ours)).context["adminform"].form.fields
    client.post(change_url(ours), _post(ours))
    assert _state(ours) == before


def test_the_employee_of_an_exemption_never_changes(client, admin_user, exemptions):
    ours = exemptions["ours"]
    client.force_login(admin_user)
    page = client.get(change_url(ours))
    assert "employee" not in page.context["adminform"].form.fields
    client.post(change_url(ours), _post(ours, employee=exemptions["theirs_emp"].pk))
    assert Exemption.objects.get(pk=ours.pk).employee_id == exemptions["ours_emp"].pk
