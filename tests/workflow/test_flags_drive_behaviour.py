"""The workflow definition is the source of truth (issue 12, ADR 0125): an administrator's copy
of the purchase workflow with renamed states, a new "Perlu klarifikasi" state that counts as
pending, another initial state and another submitting action is followed by the portal, the
desk, the monthly close and the reports, without a line of code changing."""

import copy
import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ebakul.compliance import engine
from ebakul.compliance.models import MonthlyCompliance
from ebakul.core.errors import ConflictError
from ebakul.core.reference import read_fixture
from ebakul.purchases.models import Purchase
from ebakul.purchases.services import purchase_create, purchase_update
from ebakul.reports import selectors as rs
from ebakul.workflow import reference, selectors
from ebakul.workflow.models import WorkflowDefinition, WorkflowEvent, WorkflowState
from tests import clock
from tests.compliance.conftest import PERIOD, YEAR, Ctx, wib
from tests.factories import verified_merchant
from tests.testing.images import receipt_upload

CLARIFY = "needs_clarification"
_seeds = itertools.count(9100)


def edited_purchase_spec() -> dict:
    """The default purchase workflow as an administrator might have re-made it."""
    spec = copy.deepcopy(
        next(
            s for s in read_fixture("workflows.json") if s["document_type"] == "purchases.purchase"
        )
    )
    states = {s["code"]: s for s in spec["states"]}
    states["draft"].update(code="konsep", label="Konsep belanja")
    states["verified"]["label"] = "Sah dihitung"
    states["submitted"]["label"] = "Menunggu penjual"
    spec["states"].insert(
        4,
        {
            "code": CLARIFY,
            "label": "Perlu klarifikasi",
            "counts_as_pending": True,
            "awaits_verification": True,
        },
    )
    for t in spec["transitions"]:
        if t["from"] == "draft":
            t["from"] = "konsep"
        if t["code"] == "submit":
            t["code"], t["label"] = "kirim", "Kirim sekarang"
    spec["transitions"] += [
        {
            "code": "clarify",
            "label": "Minta klarifikasi",
            "from": "merchant_confirmed",
            "to": CLARIFY,
            "groups": ["Verifikator", "Admin eBakul"],
        },
        {
            "code": "verify",
            "label": "Verifikasi",
            "from": CLARIFY,
            "to": "verified",
            "groups": ["Verifikator", "Admin eBakul"],
        },
    ]
    return spec


@pytest.fixture
def edited(ref):
    WorkflowDefinition.objects.filter(document_type="purchases.purchase").delete()
    return reference.create_definition(edited_purchase_spec())


def test_the_default_workflows_keep_the_behaviour_the_code_had(ref):
    p = "purchases.purchase"
    assert selectors.initial_state(p) == "draft"
    assert selectors.states_with(p, "is_editable") == {"draft"}
    assert selectors.states_with(p, "counts_as_verified") == {"verified"}
    assert selectors.states_with(p, "counts_as_pending") == {
        "submitted",
        "merchant_confirmed",
        "merchant_disputed",
        "contested",
    }
    assert selectors.submit_action(p, "draft") == "submit"
    m = "merchants.umkmmerchant"
    assert selectors.states_with(m, "is_editable") == {"draft", "needs_fix"}
    assert selectors.submit_action(m, "needs_fix") == "submit"
    assert selectors.states_with(m, "counts_as_verified") == {"verified"}


def test_states_are_read_once_per_request(ref, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(3):
            selectors.state_label("purchases.purchase", "verified")
            selectors.states_with("purchases.purchase", "counts_as_pending")
    state = WorkflowState.objects.get(workflow__document_type="purchases.purchase", code="verified")
    state.label = "Sah"
    state.save()  # an edit in this process drops the cache
    assert selectors.state_label("purchases.purchase", "verified") == "Sah"


def test_portal_creates_in_the_initial_state_and_sends_with_the_submit_action(
    edited, employee_user, client
):
    employee = employee_user.employee
    merchant = verified_merchant()
    purchase = purchase_create(
        employee=employee,
        merchant=merchant,
        purchased_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        amount=75_000,
        receipt=receipt_upload(seed=next(_seeds)),
        actor=employee_user,
    )
    assert purchase.status == "konsep"
    purchase_update(purchase=purchase, actor=employee_user, amount=80_000)  # editable

    client.force_login(employee_user)
    home = client.get(reverse("portal:employee_home")).content.decode()
    assert "?status=konsep" in home
    page = client.get(reverse("portal:purchase_list")).content.decode()
    assert "Konsep belanja" in page
    assert reverse("portal:purchase_confirm", args=[purchase.pk]) in page
    assert client.get(reverse("portal:purchase_confirm", args=[purchase.pk])).status_code == 200
    response = client.post(reverse("portal:purchase_confirm", args=[purchase.pk]))
    assert response.status_code == 302
    purchase.refresh_from_db()
    assert purchase.status == "submitted"
    event = WorkflowEvent.objects.get(object_id=purchase.pk, document_type="purchases.purchase")
    assert (event.from_state, event.action) == ("konsep", "kirim")
    detail = client.get(reverse("portal:purchase_detail", args=[purchase.pk])).content.decode()
    assert "Menunggu penjual" in detail and "Konsep belanja" in detail  # state + history
    with pytest.raises(ConflictError):
        purchase_update(purchase=purchase, actor=employee_user, amount=90_000)


def test_editability_is_the_states_flag(edited, employee_user, client):
    purchase = purchase_create(
        employee=employee_user.employee,
        merchant=verified_merchant(),
        purchased_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        amount=75_000,
        receipt=receipt_upload(seed=next(_seeds)),
        actor=employee_user,
    )
    WorkflowState.objects.filter(code="konsep").update(is_editable=False)
    selectors.reset_cache()
    with pytest.raises(ConflictError):
        purchase_update(purchase=purchase, actor=employee_user, amount=80_000)
    client.force_login(employee_user)
    response = client.get(reverse("portal:purchase_confirm", args=[purchase.pk]))
    assert response.status_code == 302  # nothing to send from a state that is not editable


def test_portal_and_desk_show_the_workflows_labels_and_states(
    edited, employee_user, admin_user, client
):
    employee = employee_user.employee
    merchant = verified_merchant()
    ctx = Ctx()
    ctx.merchant = merchant
    waiting = ctx.buy(employee, 30_000, status=CLARIFY, at=wib(YEAR, 1, 5, 10))
    done = ctx.buy(employee, 40_000, status="verified", at=wib(YEAR, 1, 6, 10))

    client.force_login(employee_user)
    page = client.get(reverse("portal:purchase_list")).content.decode()
    assert "Perlu klarifikasi" in page and "Sah dihitung" in page
    assert f"?status={CLARIFY}" in page  # the filter lists the workflow's states
    only = client.get(reverse("portal:purchase_list"), {"status": CLARIFY}).content.decode()
    assert f"purchase-{waiting.pk}" in only and f"purchase-{done.pk}" not in only

    client.force_login(admin_user)
    url = reverse("admin:purchases_purchase_changelist")
    desk = client.get(url).content.decode()
    assert "Perlu klarifikasi" in desk and "Sah dihitung" in desk
    assert "Diverifikasi" not in desk.split("<tbody", 1)[1]  # the enum's label is gone
    filtered = client.get(url, {"status": CLARIFY}).content.decode()
    assert waiting.document_number in filtered and done.document_number not in filtered


def test_the_close_and_the_reports_count_the_states_the_workflow_marks(edited, admin_user):
    ctx = Ctx()
    employee = ctx.employee()
    ctx.buy(employee, 100_000, status="verified")
    ctx.buy(employee, 30_000, status=CLARIFY)
    ctx.buy(employee, 20_000, status="submitted")
    ctx.buy(employee, 7_000, status="konsep")

    period = clock.compute_period(period=PERIOD) and PERIOD
    row = MonthlyCompliance.objects.get(employee=employee, period=period)
    assert (row.verified_spend, row.pending_spend) == (100_000, 50_000)

    trend = rs.spend_trend(user=admin_user, period_from=PERIOD, period_to=PERIOD)
    assert (trend.totals["verified_spend"], trend.totals["pending_spend"]) == (100_000, 50_000)
    pending_map = rs.consumption_map(user=admin_user, period=PERIOD, status="pending")
    assert sum(r["spend"] for r in pending_map.rows) == 50_000
    statement = rs.statement_for(employee=employee, period=PERIOD)
    assert statement["verified_total"] == 100_000
    assert len(statement["purchases"]) == 3  # the unsent one is not shown

    # The administrator decides a clarified purchase counts after all: the close follows.
    WorkflowState.objects.filter(code=CLARIFY).update(
        counts_as_pending=False, counts_as_verified=True
    )
    selectors.reset_cache()
    clock.compute_period(period=PERIOD)
    row.refresh_from_db()
    assert (row.verified_spend, row.pending_spend) == (130_000, 20_000)
    trend = rs.spend_trend(user=admin_user, period_from=PERIOD, period_to=PERIOD)
    assert (trend.totals["verified_spend"], trend.totals["pending_spend"]) == (130_000, 20_000)


def test_the_spend_pass_stays_one_query(edited):
    from ebakul.compliance.selectors import period_get_or_create

    ctx = Ctx()
    for _ in range(3):
        ctx.buy(ctx.employee(), 10_000, status=CLARIFY)
    period = period_get_or_create(PERIOD)
    with CaptureQueriesContext(connection) as queries:
        result = engine.spend(period)
    assert len(queries) == 1
    assert sorted(p for _v, p in result.values()) == [10_000, 10_000, 10_000]
    assert Purchase.objects.filter(status=CLARIFY).count() == 3


def test_the_submission_deadline_guards_the_workflows_submit_action(edited, employee_user):
    from ebakul.compliance.selectors import period_get_or_create
    from ebakul.core.errors import DomainError
    from ebakul.workflow.services import apply_action

    purchase = purchase_create(
        employee=employee_user.employee,
        merchant=verified_merchant(),
        purchased_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        amount=75_000,
        receipt=receipt_upload(seed=next(_seeds)),
        actor=employee_user,
    )
    close = period_get_or_create(purchase.period).submission_close
    late = close + dt.timedelta(minutes=1)
    with clock.travel(late, tick=False), pytest.raises(DomainError) as refused:
        apply_action(document=purchase, action="kirim", actor=employee_user)
    assert refused.value.code == "submission_closed"
    purchase.refresh_from_db()
    assert purchase.status == "konsep"


def test_the_desk_saves_the_flags_and_refuses_a_workflow_without_one_initial_state(
    ref, admin_user, client
):
    from tests.workflow.test_desk import _definition_post

    definition = WorkflowDefinition.objects.get(document_type="purchases.purchase")
    client.force_login(admin_user)
    # The states are edited on the editor's "status" step (the inline forms live there).
    url = (
        reverse("admin:workflow_workflowdefinition_change", args=[definition.pk])
        + "?langkah=status"
    )
    data = _definition_post(definition)
    contested = next(k[: -len("code")] for k, v in data.items() if v == "contested")
    data.pop(contested + "counts_as_pending")
    data[contested + "counts_as_verified"] = "on"
    assert client.post(url, data).status_code == 302
    assert selectors.states_with("purchases.purchase", "counts_as_verified") == {
        "verified",
        "contested",
    }

    data = _definition_post(definition)
    for key in [k for k in data if k.endswith("-is_initial")]:
        data.pop(key)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "tepat satu status awal" in response.content.decode()
    assert selectors.initial_state("purchases.purchase") == "draft"
