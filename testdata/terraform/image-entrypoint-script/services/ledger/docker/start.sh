#!/usr/bin/env bash
set -euo pipefail

WORKERS="${WEB_CONCURRENCY:-4}"

exec gunicorn \
  --bind 0.0.0.0:8000 \
  --workers "$WORKERS" \
  --worker-class gevent \
  --keep-alive 5 \
  ledger.wsgi:application
