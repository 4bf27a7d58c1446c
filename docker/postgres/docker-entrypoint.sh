#!/bin/bash
# Starts PostgreSQL the way the official postgres image does: on a new data directory, initdb with
# POSTGRES_USER (default postgres) and its password (POSTGRES_PASSWORD, or the file POSTGRES_PASSWORD_FILE
# names), password authentication (scram-sha-256) for every network client, and the database POSTGRES_DB
# (default: the user's name); then the server in the foreground, listening on every interface of the container.
set -euo pipefail

if [ "${1:-}" != postgres ]; then
  exec "$@"
fi
shift

if [ -n "${POSTGRES_PASSWORD:-}" ] && [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  echo "error: POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are both set: keep one" >&2
  exit 1
fi
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  POSTGRES_PASSWORD="$(< "$POSTGRES_PASSWORD_FILE")"
fi
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "error: the database superuser needs a password: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2
    exit 1
  fi
  # The password reaches initdb through a pipe, never a command line.
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname postgres \
      -c "CREATE DATABASE \"$POSTGRES_DB\""
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "PostgreSQL data directory $PGDATA initialized (superuser $POSTGRES_USER, database $POSTGRES_DB)"
fi
unset POSTGRES_PASSWORD
exec postgres -c listen_addresses='*' "$@"
