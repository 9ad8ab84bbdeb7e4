#!/usr/bin/env bash
# The full stack on MariaDB and Redis: gunicorn, a Celery worker and Celery beat.
# Stops all three on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/services.sh
source scripts/env-mariadb.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-ebakul.settings.local}
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py setup_reference
.venv/bin/python manage.py collectstatic --noinput -v0
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
.venv/bin/celery -A ebakul worker -l info --concurrency 2 & pids+=($!)
.venv/bin/celery -A ebakul beat -l info & pids+=($!)
.venv/bin/gunicorn ebakul.wsgi -b "${EBAKUL_ADDR:-127.0.0.1:8000}" -w "${EBAKUL_WORKERS:-3}" \
  --access-logfile - & pids+=($!)
echo "==> eBakul on MariaDB + Redis at http://${EBAKUL_ADDR:-127.0.0.1:8000}"
wait -n
