#!/usr/bin/env bash
# Creates .venv and installs the pinned Python packages, plus the Debian packages needed to
# build them. Safe to run again: it does nothing when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

# mysqlclient is built from source (PyPI has no Linux wheels): it needs a C compiler, the Python
# headers and the MariaDB client library; venv needs python3-venv on Debian. poppler-utils
# (pdftotext, pdftoppm) lets the statement PDF tests read and render what they built. nginx,
# logrotate and openssl check the deployment files (tests/deploy; the tests run nginx in a
# temporary prefix and never start or change the machine's own nginx). libzbar0 and
# Tesseract with its Indonesian model read QRIS stickers and receipts (issue 15).
need_apt=()
for pkg in libmariadb-dev pkg-config gcc python3-dev python3-venv gettext poppler-utils \
  nginx-light logrotate openssl haproxy libzbar0 tesseract-ocr tesseract-ocr-ind; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${need_apt[*]}"
  scripts/apt-install.sh "${need_apt[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating virtualenv .venv"
  "$PYTHON" -m venv .venv
fi
# Development machines install the runtime pins and the development ones (tests, lint, types,
# browser tests), all checked against their hashes; a server installs only requirements.txt
# (docs/deploy.md). Both are generated from requirements*.in by scripts/lock-requirements.sh.
stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> Installing Python packages (requirements.txt + requirements-dev.txt, hashed)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
# Translations are compiled from the committed .po files (with the local settings: compiling
# needs no secret, database or mail server, whatever DJANGO_SETTINGS_MODULE says).
DJANGO_SETTINGS_MODULE=ebakul.settings.local \
  .venv/bin/python manage.py compilemessages -v0 --ignore=.venv >/dev/null
