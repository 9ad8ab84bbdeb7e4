#!/usr/bin/env bash
# Django's deployment checklist on the production settings, with dummy, non-secret values for
# what a server must provide (nothing is connected to). Run by CI and by `make lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 \
  DJANGO_SETTINGS_MODULE=ebakul.settings.production \
  DJANGO_SECRET_KEY="ci-dummy-key-not-a-secret-$(printf 'k7Q2x9Lm4Rt8Wz1%.0s' 1 2 3)" \
  DJANGO_ALLOWED_HOSTS=ebakul.example.org \
  DATABASE_URL=mysql://ebakul:ebakul@127.0.0.1:3306/ebakul \
  REDIS_URL=redis://127.0.0.1:6379/0 \
  EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
  EBAKUL_SITE_URL=https://ebakul.example.org \
  EBAKUL_IDENTITY_HASH_KEY="ci-dummy-identity-key-not-secret-$(printf 'p3Vn8Qe2%.0s' 1 2 3 4)" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
