"""What the engine needs to know about each document type, read from the registry the owning
apps fill in at start-up (``registry.py``, docs/adr/0120). This module knows no domain app."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from . import registry
from .models import DocumentType


def document_key(document) -> str:
    meta = document._meta
    key = f"{meta.app_label}.{meta.model_name}"
    if key not in DocumentType.values:
        raise ValueError(f"{key} has no workflow")
    return key


def model_for(key: str):
    return apps.get_model(key)


def _spec(document) -> registry.DocumentSpec:
    return registry.spec_for(document_key(document))


def owner_user_id(document, rule: str) -> int | None:
    return _spec(document).owner_user_id(document, rule)


def creator_user_id(document) -> int | None:
    return _spec(document).creator_user_id(document)


def concerns(document, user) -> bool:
    """Whether ``document`` concerns ``user`` personally (separation of duties, docs/adr/0085)."""
    if user is None or not user.pk:
        return False
    return _spec(document).concerns(document, user)


def concerns_beyond_owner(document, user, rule: str) -> bool:
    """Whether ``document`` concerns ``user`` in a capacity other than the owner ``rule`` they
    act by (a merchant owner confirming a sale to themselves as the employee)."""
    if user is None or not user.pk:
        return False
    return _spec(document).concerns_beyond_owner(document, user, rule)


def scope_ids(document) -> tuple[int | None, int | None]:
    """(work unit id, kecamatan id) used to pick a verifier."""
    return _spec(document).scope_ids(document)


def note_field(document, transition) -> str:
    """Where a transition's note is kept (docs/adr/0111)."""
    return _spec(document).note_field(document, transition)


def note_fields(document) -> tuple[str, ...]:
    return _spec(document).note_fields


def notify_targets(document, *, refusal: bool = False) -> list[tuple[int | None, str]]:
    """[(user id, portal url)] of the people told about a transition."""
    return _spec(document).notify_targets(document, refusal=refusal)


def desk_url(key: str, object_id: int) -> str:
    app_label, model_name = key.split(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[object_id])
    except NoReverseMatch:
        return ""


def before_transition(document, action: str) -> None:
    """Every hook registered for the document type (e.g. compliance's locked-period guard on
    purchases); a required hook nobody registered is an error, not a pass."""
    for hook in registry.before_hooks(document_key(document)):
        hook(document, action)


def after_transition(document, *, old: str, new: str, at) -> None:
    for hook in _spec(document).after_transition:
        hook(document, old=old, new=new, at=at)
