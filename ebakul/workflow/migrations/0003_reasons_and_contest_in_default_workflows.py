"""Existing databases get what the default workflows now ship with (fixtures/workflows.json is
only read when a definition does not exist yet, docs/adr/0004): refusals require a reason from
the right list, and a rejected purchase can be contested (docs/adr/0110, 0112). Only touches the
default definitions' own transitions, found by code; does nothing on an empty database."""

from django.db import migrations

PURCHASE = "purchases.purchase"
MERCHANT = "merchants.umkmmerchant"
REASONS = {
    (PURCHASE, "reject"): "purchase_reject",
    (MERCHANT, "reject"): "merchant_reject",
    (MERCHANT, "request_fix"): "merchant_correction",
    (MERCHANT, "suspend"): "merchant_suspend",
}
VERIFIERS = ("Verifikator", "Admin eBakul")


def forwards(apps, schema_editor):
    Definition = apps.get_model("workflow", "WorkflowDefinition")
    State = apps.get_model("workflow", "WorkflowState")
    Transition = apps.get_model("workflow", "WorkflowTransition")
    Condition = apps.get_model("workflow", "TransitionCondition")
    Group = apps.get_model("auth", "Group")
    for (doc_type, code), kind in REASONS.items():
        Transition.objects.filter(workflow__document_type=doc_type, code=code).update(
            requires_reason=True, reason_kind=kind
        )
    # The merchant's dispute of a sale is a "no" too: it needs its free-text reason.
    Transition.objects.filter(workflow__document_type=PURCHASE, code="dispute").update(
        requires_reason=True
    )
    definition = Definition.objects.filter(document_type=PURCHASE).first()
    if definition is None:
        return
    states = {s.code: s for s in State.objects.filter(workflow=definition)}
    if "rejected" not in states or "verified" not in states or "contested" in states:
        return
    order = max(s.order for s in states.values()) + 10
    contested = State.objects.create(
        workflow=definition,
        code="contested",
        label="Diminta tinjau ulang",
        awaits_verification=True,
        order=order,
    )
    employee = Group.objects.get_or_create(name="Pegawai")[0]
    verifiers = [Group.objects.get_or_create(name=name)[0] for name in VERIFIERS]
    last = Transition.objects.filter(workflow=definition).order_by("-order").first()
    t_order = (last.order if last else 0) + 10
    contest = Transition.objects.create(
        workflow=definition,
        code="contest",
        label="Minta tinjau ulang",
        from_state=states["rejected"],
        to_state=contested,
        owner_rule="employee_user",
        owner_group=employee,
        allow_creator=True,
        requires_reason=True,
        order=t_order,
    )
    Condition.objects.create(transition=contest, predicate="appeal_window_open", params={})
    Condition.objects.create(
        transition=contest, predicate="not_taken_before", params={"action": "contest"}
    )
    verify = Transition.objects.create(
        workflow=definition,
        code="verify",
        label="Verifikasi",
        from_state=contested,
        to_state=states["verified"],
        order=t_order + 10,
    )
    verify.allowed_groups.set(verifiers)
    reject = Transition.objects.create(
        workflow=definition,
        code="reject",
        label="Tolak",
        from_state=contested,
        to_state=states["rejected"],
        sets_status_note=True,
        requires_reason=True,
        reason_kind="purchase_reject",
        order=t_order + 20,
    )
    reject.allowed_groups.set(verifiers)


def backwards(apps, schema_editor):
    State = apps.get_model("workflow", "WorkflowState")
    Purchase = apps.get_model("purchases", "Purchase")
    # Contested purchases go back to "rejected", the state they were contested from.
    Purchase.objects.filter(status="contested").update(status="rejected")
    State.objects.filter(workflow__document_type=PURCHASE, code="contested").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_refusal_reasons_and_required_reasons"),
        ("purchases", "0002_merchant_note_decision_reason_contest"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
