#!/usr/bin/env bash
# The whole test suite on MariaDB and Redis, with browser tests in Debian's Chromium.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/core -x).
# Without arguments (make test, CI) the compliance tests then run a second time with the clock
# set to 29 February 2028 12:00 WIB (EBAKUL_TEST_NOW, read by tests/conftest.py): the suite must
# pass on any date (ADR 0101). EBAKUL_TEST_SECOND_CLOCK=0 skips that pass.
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
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
# On every core (pytest-xdist; each worker has its own test database, Redis database and media
# folder, ADR 0500). EBAKUL_TEST_WORKERS=0 runs in one process.
.venv/bin/python -m pytest -n "${EBAKUL_TEST_WORKERS:-auto}"
if [ "${EBAKUL_TEST_SECOND_CLOCK:-1}" != "0" ]; then
  second_now=${EBAKUL_TEST_SECOND_NOW:-2028-02-29T12:00:00+07:00}
  echo "==> Compliance tests again with the clock at ${second_now} (EBAKUL_TEST_NOW)"
  EBAKUL_TEST_NOW="$second_now" .venv/bin/python -m pytest tests/compliance -q -p no:cacheprovider
fi
