#!/usr/bin/env bash
# Microbenchmarks (JMH) of the pipeline's hot classes, in one JVM fork each: prints JMH's table.
#
#   scripts/bench-parse.sh [JMH arguments, e.g. a benchmark name pattern or -f 3]
#
# TickParseBenchmark: a tick value's bytes to a Tick, read directly (parseBytes) or decoded into a
# String first (decodeThenParse).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -q -B -DskipTests -pl bench -am install
exec java -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" org.openjdk.jmh.Main \
  "${@:-io.candles.bench.jmh}"
