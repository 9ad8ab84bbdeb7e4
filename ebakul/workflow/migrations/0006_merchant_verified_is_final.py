"""A verified merchant is a decision reached: the default merchant workflow marks "verified" as a
final state (it can still be suspended, as a rejected purchase can still be contested). Without
it the graph check of docs/adr/0150 finds no final state reachable from "verified" and
"suspended". Touches only the default definition's state found by code."""

from django.db import migrations

MERCHANT = "merchants.umkmmerchant"


def forwards(apps, schema_editor):
    State = apps.get_model("workflow", "WorkflowState")
    State.objects.filter(workflow__document_type=MERCHANT, code="verified").update(is_final=True)


def backwards(apps, schema_editor):
    State = apps.get_model("workflow", "WorkflowState")
    State.objects.filter(workflow__document_type=MERCHANT, code="verified").update(is_final=False)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_default_flags_for_existing_workflows")]

    operations = [migrations.RunPython(forwards, backwards)]
