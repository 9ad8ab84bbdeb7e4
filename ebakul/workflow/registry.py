"""Document types register themselves with the engine (docs/adr/0120).

Each app that owns a document type registers a :class:`DocumentSpec` in its ``AppConfig.ready``:
who owns the document, whom it concerns, who created it, whom to tell, where it is scoped, where
a transition's note is kept and what runs around a transition. Apps above the owner add hooks to
a document type by key (the compliance app's locked-period guard on purchases) without the owner
or the engine importing them.

Nothing here fails open: a document type without a spec, or a spec whose required hook nobody
registered, is an ``ImproperlyConfigured`` error at start-up (a system check) and at the first
transition, never a silent pass.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured


def _never(*_args, **_kwargs) -> bool:
    return False


@dataclass(frozen=True)
class DocumentSpec:
    key: str  # "app_label.model_name", a DocumentType value
    owner_user_id: Callable  # (document, owner rule) -> user id | None
    creator_user_id: Callable  # (document) -> user id | None
    concerns: Callable  # (document, user) -> bool: it concerns the user personally
    notify_targets: Callable  # (document, *, refusal) -> [(user id, portal url)]
    scope_ids: Callable  # (document) -> (work unit id, kecamatan id)
    note_field: Callable  # (document, transition) -> field name
    note_fields: tuple[str, ...]
    concerns_beyond_owner: Callable = _never  # (document, user, owner rule) -> bool
    # Named before-transition hooks this document type cannot run without (registered by an
    # app above it with ``add_before_transition``).
    required_hooks: tuple[str, ...] = ()
    after_transition: tuple[Callable, ...] = field(default=())  # (document, *, old, new, at)


_SPECS: dict[str, DocumentSpec] = {}
# key -> [(hook name, callable(document, action))]
_BEFORE: dict[str, list[tuple[str, Callable]]] = {}


def register(spec: DocumentSpec) -> None:
    if spec.key in _SPECS and _SPECS[spec.key] is not spec:
        raise ImproperlyConfigured(f"Document type {spec.key} is registered twice.")
    _SPECS[spec.key] = spec


def add_before_transition(key: str, name: str, hook: Callable) -> None:
    """Run ``hook(document, action)`` before every transition of ``key``; it refuses by raising.
    Registering the same name again replaces the hook (``ready`` may run more than once)."""
    hooks = [(n, h) for n, h in _BEFORE.get(key, []) if n != name]
    hooks.append((name, hook))
    _BEFORE[key] = hooks


def problems(keys) -> list[str]:
    """What is missing for ``keys`` (the document types that have a workflow)."""
    found = []
    for key in keys:
        spec = _SPECS.get(key)
        if spec is None:
            found.append(f"Document type {key} has no DocumentSpec registered.")
            continue
        names = {n for n, _h in _BEFORE.get(key, [])}
        for name in spec.required_hooks:
            if name not in names:
                found.append(
                    f"Document type {key} requires the hook {name!r}; nobody registered it."
                )
    return found


def spec_for(key: str) -> DocumentSpec:
    spec = _SPECS.get(key)
    if spec is None:
        raise ImproperlyConfigured(f"Document type {key} has no DocumentSpec registered.")
    return spec


def before_hooks(key: str) -> list[Callable]:
    missing = problems([key])
    if missing:
        raise ImproperlyConfigured(" ".join(missing))
    return [hook for _name, hook in _BEFORE.get(key, [])]
