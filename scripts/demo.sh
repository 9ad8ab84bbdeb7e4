#!/usr/bin/env bash
# One command on a fresh machine: virtualenv, packages, migrations, reference and demo data,
# then the server on http://127.0.0.1:8000 on the embedded default (SQLite, eager tasks).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=ebakul.settings.local
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py setup_reference
if [ "${EBAKUL_DEMO_RESET:-0}" = "1" ] || ! .venv/bin/python manage.py seed_demo --exists; then
  .venv/bin/python manage.py seed_demo --employees "${EBAKUL_DEMO_EMPLOYEES:-500}"
fi
.venv/bin/python manage.py seed_demo --logins
echo "==> eBakul at http://127.0.0.1:8000  (desk: http://127.0.0.1:8000/desk/)"
exec .venv/bin/python manage.py runserver "${EBAKUL_DEMO_ADDR:-127.0.0.1:8000}"
