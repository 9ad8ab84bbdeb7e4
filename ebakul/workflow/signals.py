"""Guards that hold however a state is changed (desk inline, shell, data migration)."""

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import selectors
from .models import WorkflowDefinition, WorkflowState, WorkflowTransition

# The request-local cache of definitions (selectors.workflow_states) starts empty for each
# request and is dropped when a definition changes in this process.
request_started.connect(selectors.reset_cache, dispatch_uid="workflow_reset_cache")
for _model in (WorkflowDefinition, WorkflowState, WorkflowTransition):
    post_save.connect(selectors.reset_cache, sender=_model, dispatch_uid=f"wf_reset_s_{_model}")
    post_delete.connect(selectors.reset_cache, sender=_model, dispatch_uid=f"wf_reset_d_{_model}")


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
