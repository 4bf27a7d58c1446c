#!/usr/bin/env bash
# The whole system on this machine, in one command: a Kafka broker and PostgreSQL (embedded, data in
# ./.local-data), the exchange simulator, the ingester, the candle pipeline and the candle server (a
# live chart in the browser, Binance-style REST and WebSocket), each a real process, and the candles
# live on screen. Ctrl-C stops everything it started; running it again resumes.
#
#   scripts/run-local.sh [--data-dir DIR] [--source simulator|binance] [--pairs P,Q] [--rate N]
#                        [--runner direct|flink] [--duration 60s] [--http-port N] [--serve-port N] [--help]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "run-local: Java 17 and Maven are needed: apt-get install -y openjdk-17-jdk-headless maven" >&2
  exit 1
fi
if [ -z "${RUN_LOCAL_CLASSPATH:-}" ] && ! command -v npm >/dev/null 2>&1; then
  echo "run-local: npm is needed to build the candle server's web page: apt-get install -y nodejs npm" >&2
  exit 1
fi
# Build what it runs (quick when nothing changed). RUN_LOCAL_CLASSPATH skips it: the tests, which
# have just built everything, set it.
if [ -n "${RUN_LOCAL_CLASSPATH:-}" ]; then
  CP="$RUN_LOCAL_CLASSPATH"
else
  if ! mvn -q -B -o -DskipTests install -pl local -am >/dev/null 2>&1; then
    echo "run-local: building (the first run downloads dependencies)"
    mvn -q -B -DskipTests install -pl local -am
  fi
  CP="local/target/classes:$(cat local/target/runtime.classpath)"
fi
exec java -Xmx512m -cp "$CP" io.candles.local.LocalSystem "$@"
