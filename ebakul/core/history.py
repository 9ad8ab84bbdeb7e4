"""Who did it, in the change history (django-simple-history).

simple-history reads the acting user from the instance's ``_history_user`` attribute when it
writes the historical row; the attribute is not declared on the models, so services set it here,
in one place, rather than poking a private attribute (and the type checker) in each service.
"""

from typing import Any


def set_history_user(instance: Any, actor: Any) -> None:
    """Record ``actor`` as the user of the next history row ``instance.save()`` writes."""
    instance._history_user = actor
