#!/usr/bin/env bash
# Regenerate requirements.txt (runtime) and requirements-dev.txt (development), pinned with
# hashes, from the plain pin lists requirements.in and requirements-dev.in. Run it after
# changing either .in file (e.g. after merging a branch that pins a new package) and commit
# all four files. Needs the package index pip is configured for (pip download).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/lock_requirements.py "$@"
