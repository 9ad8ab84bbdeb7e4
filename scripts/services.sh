#!/usr/bin/env bash
# Makes sure MariaDB and Redis are installed, running, and that the eBakul database user
# exists. Installs the Debian packages when missing and starts the servers when stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_USER=${EBAKUL_DB_USER:-ebakul}
DB_PASSWORD=${EBAKUL_DB_PASSWORD:-ebakul}   # local development/test only; production sets its own
DB_NAME=${EBAKUL_DB_NAME:-ebakul}

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  echo "==> Installing MariaDB"
  scripts/apt-install.sh mariadb-server mariadb-client
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "==> Installing Redis"
  scripts/apt-install.sh redis-server
fi

if ! mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; then
  echo "==> Starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do
    mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
mariadb-admin --protocol=socket -uroot ping >/dev/null

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "==> Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 40); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.25
  done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null

# The application user may create and drop its own databases (ebakul*, test_ebakul*) only.
mariadb --protocol=socket -uroot <<SQL
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`ebakul%\`.* TO '${DB_USER}'@'localhost', '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`test\\_ebakul%\`.* TO '${DB_USER}'@'localhost', '${DB_USER}'@'127.0.0.1';
CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
echo "==> MariaDB $(mariadb --protocol=socket -uroot -N -e 'select version()') and Redis $(redis-cli -h 127.0.0.1 info server | grep -m1 redis_version | cut -d: -f2 | tr -d '\r') ready"
