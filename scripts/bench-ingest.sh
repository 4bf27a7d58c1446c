#!/usr/bin/env bash
# Benchmarks the ingester on this machine: the exchange simulator (futures form, so each frame
# carries its send time) -> the ingester -> a real Kafka broker -> a consumer. Prints sent/s,
# acknowledged/s and consumed/s over the measured window, latency percentiles from the
# simulator's send to the ingester's receive, to the broker's append and to the consumer's
# receive, and a correctness check (every tick sent consumed once, in order per pair).
#
#   scripts/bench-ingest.sh [--pairs 50] [--rate 25000] [--warmup 5s] [--duration 30s] [--queueCapacity N]
#
# --rate is ticks per minute per pair; the default is the issue's load (50 x 25,000/min, about
# 20,800 ticks/s). The simulator, the ingester and the consumer share one JVM; the broker runs in
# a child JVM (devservices) on a temporary directory, stopped at the end. JAVA_OPTS is passed to
# the JVM (e.g. JAVA_OPTS="-XX:StartFlightRecording=filename=ingest.jfr,settings=profile"), MVN_FLAGS
# to Maven (e.g. MVN_FLAGS=-o).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
case "${1:-}" in
  -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

echo "bench-ingest.sh: building"
# Module-scoped, nothing installed: the classes stay in each module's target/.
# shellcheck disable=SC2086
mvn -q -B ${MVN_FLAGS:-} -pl ingest -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
CP="ingest/target/test-classes:ingest/target/classes:$(cat ingest/target/test.classpath)"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/ingest-bench.XXXXXX")"
trap 'rm -rf "$DATA"' EXIT
# shellcheck disable=SC2086
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${JAVA_OPTS:-} -cp "$CP" io.candles.ingest.IngestBench --dataDir "$DATA" "$@"
