#!/bin/sh
# Wait for the database, apply migrations, then run the command.
set -e

until python -m ledger.db_ready; do
  echo "waiting for the database..." >&2
  sleep 1
done
python -m ledger.migrate

exec "$@"
