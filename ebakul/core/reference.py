"""Reference data loading. Each domain app may have a ``reference.py`` with ``load(stdout)``;
``manage.py setup_reference`` runs them in app order. Loaders create what is missing and never
overwrite what administrators have edited, so running them again is harmless."""

import json
from importlib import import_module

from django.apps import apps
from django.conf import settings

FIXTURES_DIR = settings.BASE_DIR / "fixtures"


def read_fixture(name: str) -> list[dict]:
    with open(FIXTURES_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


def run_all(log=print) -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("ebakul.") or config.name == "ebakul.core":
            continue
        try:
            module = import_module(f"{config.name}.reference")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.reference":
                raise
            continue
        module.load(log=log)
