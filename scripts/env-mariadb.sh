# Sourced by the scripts that run on MariaDB and Redis. Override any of these in the environment.
: "${EBAKUL_DB_NAME:=ebakul}"
: "${EBAKUL_DB_USER:=ebakul}"
: "${EBAKUL_DB_PASSWORD:=ebakul}"
: "${EBAKUL_REDIS_DB:=0}"
export DATABASE_URL=${DATABASE_URL:-mysql://${EBAKUL_DB_USER}:${EBAKUL_DB_PASSWORD}@127.0.0.1:3306/${EBAKUL_DB_NAME}}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/${EBAKUL_REDIS_DB}}
