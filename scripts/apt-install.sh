#!/usr/bin/env bash
# apt-get install with one 'apt-get update' per machine boot (apt-cache needs it before use).
set -euo pipefail
if [ ! -f /tmp/.ebakul-apt-updated ]; then
  apt-get update -qq
  touch /tmp/.ebakul-apt-updated
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
