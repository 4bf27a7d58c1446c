#!/usr/bin/env bash
# Microbenchmarks (JMH) of the pipeline's hot classes, in one JVM fork each: prints JMH's table.
#
#   scripts/bench-parse.sh [JMH arguments, e.g. a benchmark name pattern or -f 3]
#   scripts/bench-parse.sh --cpu-time [rounds]    # the same cases in thread CPU time, for a busy machine
#
# TickParseBenchmark: a tick value's bytes to a Tick, read directly (parseBytes), decoded into a
# String first (decodeThenParse), or read by the same reader written on Jackson's streaming parser
# (jacksonStreaming), which the project's own reader has to beat clearly to be kept.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -q -B -DskipTests -pl bench -am install
CP="bench/target/classes:$(cat bench/target/runtime.classpath)"
if [[ "${1:-}" == --cpu-time ]]; then
  shift
  exec java -cp "$CP" io.candles.bench.jmh.TickParseCpuTime "$@"
fi
exec java -cp "$CP" org.openjdk.jmh.Main "${@:-io.candles.bench.jmh}"
