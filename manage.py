#!/usr/bin/env python
import os
import sys


def _settings_option(argv):
    """The --settings option, which Django applies only later, so the check below loads the
    same settings module as the command will."""
    for i, arg in enumerate(argv):
        if arg.startswith("--settings="):
            return arg.split("=", 1)[1]
        if arg == "--settings" and i + 1 < len(argv):
            return argv[i + 1]
    return None


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.local")
    if _settings_option(sys.argv[1:]):
        os.environ["DJANGO_SETTINGS_MODULE"] = _settings_option(sys.argv[1:])
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as exc:
        # The settings refused to load (production without its secret, hosts, ...): say why
        # in plain words instead of a traceback.
        sys.exit(str(exc))
    execute_from_command_line(sys.argv)
