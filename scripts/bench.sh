#!/usr/bin/env bash
# Runs every benchmark in bench/ on MariaDB and Redis. See bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export EBAKUL_DB_NAME=${EBAKUL_DB_NAME:-ebakul_bench}
scripts/bootstrap.sh
scripts/services.sh   # creates $EBAKUL_DB_NAME too
source scripts/env-mariadb.sh
export DJANGO_SETTINGS_MODULE=ebakul.settings.local
for b in bench/bench_*.py; do
  [ -e "$b" ] || continue
  echo "==> $b"
  .venv/bin/python "$b" "$@"
done
