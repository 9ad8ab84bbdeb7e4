#!/usr/bin/env bash
# Types where they pay (ADR 0130): mypy with django-stubs on the services, selectors and engine
# of every app (the file list and options are in pyproject.toml, [tool.mypy]). Needs no database
# or Redis: the Django plugin only reads the test settings. Run by `make lint` and CI; extra
# arguments go to mypy (e.g. a single file).
set -euo pipefail
cd "$(dirname "$0")/.."
exec env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 .venv/bin/mypy "$@"
