"""Guards that hold however a state is changed (desk inline, shell, data migration)."""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from .models import WorkflowState


@receiver(pre_delete, sender=WorkflowState)
def refuse_deleting_occupied_state(sender, instance, **kwargs):
    from .services import assert_state_removable

    assert_state_removable(instance)


@receiver(pre_save, sender=WorkflowState)
def refuse_renaming_occupied_state(sender, instance, **kwargs):
    if instance._state.adding or not instance.pk:
        return
    old_code = WorkflowState.objects.filter(pk=instance.pk).values_list("code", flat=True).first()
    if old_code and old_code != instance.code:
        from .services import assert_state_removable

        old = WorkflowState(pk=instance.pk, workflow=instance.workflow, code=old_code)
        old.label = instance.label
        assert_state_removable(old)
