#!/usr/bin/env bash
# The full stack on MariaDB and Redis: gunicorn, a Celery worker and Celery beat, with the
# production settings (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, EMAIL_BACKEND and EBAKUL_SITE_URL
# must be set; see docs/operations.md). Stops all three on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-ebakul.settings.production}
scripts/bootstrap.sh
source scripts/env-mariadb.sh
# The settings refuse to load without their essentials; manage.py lists what is missing.
.venv/bin/python manage.py check --deploy --fail-level ERROR
scripts/services.sh
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
