"""Existing databases: set the new flags on the default workflows so behaviour stays what the
code hard-coded before (docs/adr/0125). Only states/transitions with the default codes are
touched; an administrator's own states keep the flags off until set on the desk."""

from django.db import migrations

PURCHASE = "purchases.purchase"
PENDING = ("submitted", "merchant_confirmed", "merchant_disputed", "contested")


def forwards(apps, schema_editor):
    State = apps.get_model("workflow", "WorkflowState")
    Transition = apps.get_model("workflow", "WorkflowTransition")
    State.objects.filter(workflow__document_type=PURCHASE, code__in=PENDING).update(
        counts_as_pending=True
    )
    State.objects.filter(code="verified").update(counts_as_verified=True)
    Transition.objects.filter(code="submit").update(is_submit=True)


def backwards(apps, schema_editor):
    pass  # the columns go away with the previous migration's reversal


class Migration(migrations.Migration):
    dependencies = [("workflow", "0004_state_flags_pending_verified_submit")]

    operations = [migrations.RunPython(forwards, backwards)]
