from ebakul.accounts import roles
from ebakul.workflow.models import Assignment
from ebakul.workflow.selectors import task_counts
from tests.demo.conftest import SMALL, run_seed


def test_demo_waiting_documents_are_assigned_round_robin(ref):
    out = run_seed(**SMALL)
    assert "workflow:" in out
    from ebakul.compliance.models import Period
    from ebakul.demo.seeder import demo_purchases

    locked = Period.objects.filter(status="locked").values("period")
    # Waiting purchases of open periods are in the queues; the close took locked months out.
    waiting = (
        demo_purchases()
        .filter(status__in=["merchant_confirmed", "merchant_disputed"])
        .exclude(period__in=locked)
    )
    assigned = Assignment.objects.filter(document_type="purchases.purchase", active=True)
    assert assigned.count() == waiting.count() > 0
    assert set(assigned.values_list("object_id", flat=True)) == set(
        waiting.values_list("pk", flat=True)
    )
    verifiers = {a.assignee for a in assigned.select_related("assignee")}
    assert all(v.groups.filter(name=roles.VERIFIER).exists() for v in verifiers)
    first = next(iter(verifiers))
    assert sum(c["count"] for c in task_counts(first)) > 0
    from ebakul.demo.seeder import DemoRows
    from ebakul.workflow.demo import reset

    reset(DemoRows(), log=lambda _m: None)
    assert not Assignment.objects.exists()
