"""What the review workbench (``workbench.py``) shows and decides, registered by the apps that own
it, so the workflow app imports no domain app (docs/adr/0132).

- **Side panels** per document type: an ordered list of templates (each with an optional
  context function ``(document, user) -> dict`` available to the template as ``panel``). The
  workbench registers its own (the claim, the other purchases, the merchant's registration);
  any app adds one with :func:`add_panel` in its ``AppConfig.ready`` (e.g. integrity signals).
- **Review kinds** that are not workflow documents with assignments (the compliance app's
  appeals): what is waiting for a user, how to load one item within the user's scope, the large
  document it shows, the actions template, and the decision (a service call that refuses by
  raising ``DomainError``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[Any, Any], dict] | None = None


@dataclass(frozen=True)
class ReviewKind:
    key: str  # "app_label.model_name"
    slug: str  # in the workbench URL, Indonesian (``sanggahan``)
    # (user) -> [(object id, since)] the user may decide now, oldest first
    waiting: Callable[[Any], Iterable[tuple[int, dt.datetime]]]
    # (pk, user) -> the item within the user's scope, or None
    load: Callable[[int, Any], Any]
    # (item, user) -> extra context for the templates below
    context: Callable[[Any, Any], dict]
    # (item, user, POST data) -> the message shown after the decision; raises DomainError
    decide: Callable[[Any, Any, Any], str]
    document_template: str  # the large document on the left (zoom, rotate, full screen)
    actions_template: str  # the decision forms (``data-key`` shortcuts as for purchases)


_PANELS: dict[str, list[Panel]] = {}
_KINDS: dict[str, ReviewKind] = {}


def add_panel(key: str, template: str, context: Callable[[Any, Any], dict] | None = None) -> None:
    """Show ``template`` in the side panel of every ``key`` task, after the ones added before.
    Adding the same template again replaces it (``ready`` may run more than once)."""
    panels = [p for p in _PANELS.get(key, []) if p.template != template]
    panels.append(Panel(template, context))
    _PANELS[key] = panels


def panels_for(key: str, document, user) -> list[dict]:
    """[{"template", "context"}] of the side panels of ``document``, in order."""
    return [
        {"template": p.template, "context": p.context(document, user) if p.context else {}}
        for p in _PANELS.get(key, [])
    ]


def register_kind(kind: ReviewKind) -> None:
    known = _KINDS.get(kind.key)
    if known is not None and known.slug != kind.slug:
        raise ImproperlyConfigured(f"Review kind {kind.key} is registered twice.")
    _KINDS[kind.key] = kind


def kinds() -> list[ReviewKind]:
    return list(_KINDS.values())


def kind_for(key: str) -> ReviewKind | None:
    return _KINDS.get(key)
