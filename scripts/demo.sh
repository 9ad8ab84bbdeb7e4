#!/usr/bin/env bash
# One command on a fresh machine: virtualenv, packages, migrations, reference and demo data,
# then the server on http://127.0.0.1:8000 on the embedded default (SQLite, eager tasks).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=ebakul.settings.local
# The demo is shown to people and probed like a real site: no debug pages (tracebacks, the URL
# list on a 404) unless asked for with EBAKUL_DEMO_DEBUG=1.
export DJANGO_DEBUG=${EBAKUL_DEMO_DEBUG:-0}
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py setup_reference
# seed_demo writes only to a database marked as a demo one (docs/adr/0092); this one is ours.
.venv/bin/python manage.py mark_demo_database --note "scripts/demo.sh" >/dev/null
# Demo data once (it takes a few seconds); EBAKUL_DEMO_RESET=1 rebuilds it. Either way the
# command ends by printing the demo logins.
size=(--employees "${EBAKUL_DEMO_EMPLOYEES:-500}")
if [ "${EBAKUL_DEMO_RESET:-0}" = "1" ]; then
  .venv/bin/python manage.py seed_demo --reset "${size[@]}"
elif ! .venv/bin/python manage.py seed_demo --exists; then
  .venv/bin/python manage.py seed_demo "${size[@]}"
else
  .venv/bin/python manage.py seed_demo --logins
fi
addr=${EBAKUL_DEMO_ADDR:-127.0.0.1:8000}
echo "==> eBakul at http://${addr}/  (desk: http://${addr}/desk/, portal login: http://${addr}/masuk/)"
exec .venv/bin/python manage.py runserver --noreload "${addr}"
