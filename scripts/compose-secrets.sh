#!/usr/bin/env bash
# Creates the secret files docker-compose.yml hands to its containers, each with a new random password, unless
# it exists already (so running it again changes nothing):
#   postgres_password   the PostgreSQL superuser (postgres): the database's set-up and the 'migrate' service
#   jdbc_password       candles_job, the role the pipeline writes candles with
#   reader_password     candles_reader, the read-only role for trading bots: psql "postgresql://candles_reader@127.0.0.1:5432/candles"
#
#   scripts/compose-secrets.sh [DIR]      DIR defaults to $SECRETS_DIR, else ./secrets next to docker-compose.yml
#
# The directory is readable by its owner only; the files in it by everyone, because a secret file is
# bind-mounted into containers that run as their own users (postgres, flink, candles).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-${SECRETS_DIR:-$REPO_ROOT/secrets}}"
case "$DIR" in -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
mkdir -p "$DIR"
chmod 700 "$DIR"
for name in postgres_password jdbc_password reader_password; do
  file="$DIR/$name"
  if [ -s "$file" ]; then
    echo "$file exists; kept"
    continue
  fi
  # 24 random bytes, base64 without characters that need quoting in a URL.
  (umask 022 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' > "$file")
  echo "$file created"
done
