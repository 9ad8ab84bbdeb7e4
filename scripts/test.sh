#!/usr/bin/env bash
# The whole test suite on MariaDB and Redis, with browser tests in Debian's Chromium.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/core -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/services.sh
scripts/chromium.sh
source scripts/env-mariadb.sh
export DJANGO_SETTINGS_MODULE=ebakul.settings.test EBAKUL_REQUIRE_MARIADB=1
echo "==> Database: ${DATABASE_URL%%:*} (MariaDB) at 127.0.0.1:3306, redis ${REDIS_URL}"
.venv/bin/python manage.py makemigrations --check --dry-run -v0 --settings=ebakul.settings.test \
  || { echo "Missing migrations: run makemigrations"; exit 1; }
exec .venv/bin/python -m pytest "$@"
