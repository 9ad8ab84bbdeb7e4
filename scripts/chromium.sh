#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright cannot download its own here).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "==> Installing Chromium"
  scripts/apt-install.sh chromium fonts-dejavu-core
fi
