"""Two verifiers act on the same purchase at the same moment, each on its own MariaDB
connection: the row lock lets exactly one through; the other gets a clear conflict."""

import threading

import pytest
from django.db import connection

from ebakul.accounts import roles
from ebakul.core.errors import ConflictError
from ebakul.purchases.models import Purchase
from ebakul.workflow import services as wf
from ebakul.workflow.models import WorkflowEvent
from tests.factories import EmployeeFactory, PurchaseFactory, UserFactory, verified_merchant


def _race(purchase_pk, plans):
    barrier = threading.Barrier(len(plans))
    results = [None] * len(plans)

    def run(i, actor, action):
        try:
            doc = Purchase.objects.get(pk=purchase_pk)  # both read the state first
            barrier.wait(timeout=10)
            wf.apply_action(document=doc, action=action, actor=actor, comment=f"t{i}")
            results[i] = "ok"
        except ConflictError as exc:
            results[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, actor, action))
        for i, (actor, action) in enumerate(plans)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_action", ["verify", "reject"])
def test_two_verifiers_at_once_exactly_one_wins(ref, second_action):
    a = UserFactory(username="verif-a", role=roles.VERIFIER)
    b = UserFactory(username="verif-b", role=roles.VERIFIER)
    employee = EmployeeFactory(user=UserFactory(username="pegawai-x", role=roles.EMPLOYEE))
    purchase = PurchaseFactory(
        employee=employee, merchant=verified_merchant(), status="merchant_confirmed"
    )

    results = _race(purchase.pk, [(a, "verify"), (b, second_action)])

    winners = [r for r in results if r == "ok"]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    purchase.refresh_from_db()
    assert purchase.status in ("verified", "rejected")
    events = list(WorkflowEvent.objects.filter(object_id=purchase.pk))
    assert len(events) == 1
    assert events[0].to_state == purchase.status
    label = "Diverifikasi" if purchase.status == "verified" else "Ditolak"
    assert str(losers[0].message) == str(wf.MSG_CHANGED_MEANWHILE % {"state": label})
