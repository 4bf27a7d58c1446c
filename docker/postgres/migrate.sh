#!/bin/sh
# The 'migrate' service of docker-compose.yml, on every start of the stack: as the superuser, applies
# sql/roles.sql (the roles with least rights), sets the login roles' passwords from their secret files, and
# applies sql/schema.sql as the table's owner, candles_owner, then sql/serve.sql (the candle server's change
# trigger). Everything is idempotent. The passwords reach psql
# through its environment and are quoted by psql itself; none is on a command line or in a file here.
set -eu
secret() {
  [ -r "$1" ] || { echo "migrate: cannot read the secret file $1" >&2; exit 1; }
  cat "$1"
}
PGPASSWORD="$(secret "$POSTGRES_PASSWORD_FILE")"
CANDLES_JOB_PASSWORD="$(secret "$JOB_PASSWORD_FILE")"
CANDLES_READER_PASSWORD="$(secret "$READER_PASSWORD_FILE")"
export PGPASSWORD CANDLES_JOB_PASSWORD CANDLES_READER_PASSWORD
export PGOPTIONS='-c client_min_messages=warning'
psql -v ON_ERROR_STOP=1 -q <<'SQL'
\i /sql/roles.sql
\getenv job_password CANDLES_JOB_PASSWORD
\getenv reader_password CANDLES_READER_PASSWORD
ALTER ROLE candles_job PASSWORD :'job_password';
ALTER ROLE candles_reader PASSWORD :'reader_password';
SET ROLE candles_owner;
\i /sql/schema.sql
RESET ROLE;
\i /sql/serve.sql
SQL
echo "migrate: roles (sql/roles.sql), schema (sql/schema.sql, as candles_owner) and the candle server's trigger (sql/serve.sql) applied to database $PGDATABASE"
