#!/usr/bin/env bash
# The stack for the load test (bench/locustfile.py, issue 16): N nodes on this machine, each a
# gunicorn instance and a Celery worker, one Celery beat, and Debian's haproxy in front
# (round robin) on ${EBAKUL_LB_PORT:-8100}. The nodes share what a second machine would share:
# sessions (database), cache and broker (Redis), receipts (MEDIA_ROOT; on two machines an NFS
# mount or an S3-compatible store through STORAGES). Production settings, plain HTTP (a lab).
#
#   EBAKUL_DB_NAME=ebakul_bench bench/stack.sh 2      # two nodes; Ctrl-C stops everything
#
# Optional: DATABASE_REPLICA_URL (reports and the e-TPP export read the replica, ADR 0312),
# EBAKUL_WORKERS (gunicorn workers per node, default 5 as in deploy/), EBAKUL_MEDIA_ROOT.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-1}
lb_port=${EBAKUL_LB_PORT:-8100}
source scripts/env-mariadb.sh
export DJANGO_SETTINGS_MODULE=ebakul.settings.production
export EBAKUL_PLAIN_HTTP=1
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-bench-only-$(hostname)-not-secret-at-all-0123456789}
export EBAKUL_IDENTITY_HASH_KEY=${EBAKUL_IDENTITY_HASH_KEY:-bench-only-identity-hash-key-not-secret-0123456789}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
export EBAKUL_SITE_URL=${EBAKUL_SITE_URL:-http://127.0.0.1:${lb_port}}
# Mail goes nowhere in a lab (no server on this port; sends fail and are recorded as such).
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.smtp.EmailBackend}
export EMAIL_HOST=${EMAIL_HOST:-127.0.0.1} EMAIL_PORT=${EMAIL_PORT:-2599}
run=$(mktemp -d /tmp/ebakul-stack-XXXXXX)
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py collectstatic --noinput -v0
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait || true; rm -rf "$run"; }
trap cleanup INT TERM EXIT
{
  echo "global"
  echo "  maxconn 2000"
  echo "defaults"
  echo "  mode http"
  echo "  timeout connect 5s"
  echo "  timeout client 60s"
  echo "  timeout server 60s"
  echo "frontend ebakul"
  echo "  bind 127.0.0.1:${lb_port}"
  echo "  default_backend nodes"
  echo "backend nodes"
  echo "  balance roundrobin"
  echo "  option forwardfor"
} >"$run/haproxy.cfg"
for i in $(seq 1 "$nodes"); do
  port=$((lb_port + i))
  echo "  server node$i 127.0.0.1:$port check" >>"$run/haproxy.cfg"
  # As deploy/systemd/ebakul-web.service: 2 workers per core + 1, 2 threads each.
  .venv/bin/gunicorn ebakul.wsgi -b "127.0.0.1:$port" -w "${EBAKUL_WORKERS:-5}" --threads 2 \
    --access-logfile "$run/access-$i.log" --error-logfile "$run/error-$i.log" & pids+=($!)
  # As deploy/systemd/ebakul-worker.service: background work at a lower priority, OCR on one thread.
  OMP_THREAD_LIMIT=1 nice -n 10 .venv/bin/celery -A ebakul worker -n "node$i@%h" --concurrency 1 -l warning \
    >"$run/worker-$i.log" 2>&1 & pids+=($!)
done
.venv/bin/celery -A ebakul beat -l warning -s "$run/beat" >"$run/beat.log" 2>&1 & pids+=($!)
haproxy -c -f "$run/haproxy.cfg" >/dev/null
haproxy -db -f "$run/haproxy.cfg" & pids+=($!)
echo "==> eBakul: $nodes node(s) behind haproxy at http://127.0.0.1:${lb_port} (logs: $run)"
wait -n
