#!/usr/bin/env bash
# Benchmarks the candle pipeline: sustained throughput and tick-to-table latency, measured from
# outside it (load into Kafka, candles read back from PostgreSQL), with a correctness check at the
# end of every run. Prints a table and writes bench-results/<time>.json.
#
#   scripts/bench.sh [--runners "DirectRunner FlinkRunner:1 FlinkRunner:2"] [--scenarios "throughput latency"]
#                    [--ticks N] [--quick]
#
# --runners    DirectRunner, and FlinkRunner:P for a local Flink mini-cluster at parallelism P
#              (default: "DirectRunner")
# --scenarios  throughput: preload --ticks (default 2,000,000) over 50 pairs, time until all are in
#                          the table;
#              latency:    live load at 20 pairs x 400/s, 50 pairs x 417/s and 5 pairs x 100/s,
#                          15 s warm-up then 60 s measured (default: both)
# --quick      small runs (200,000 ticks; latency 20 s) to try the set-up
#
# It starts its own Kafka broker and PostgreSQL (data in .bench-data, wiped first), and stops them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNNERS="DirectRunner"
SCENARIOS="throughput latency"
TICKS=2000000
DURATION=60
while [ $# -gt 0 ]; do
  case "$1" in
    --runners) RUNNERS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --ticks) TICKS="$2"; shift 2 ;;
    --quick) TICKS=200000; DURATION=20; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

echo "bench.sh: building"
mvn -q -B -DskipTests -pl bench,runners,devservices -am install
DATA="$ROOT/.bench-data"
[ -d "$DATA" ] && scripts/services.sh stop --data-dir "$DATA" >/dev/null 2>&1 || true
rm -rf "$DATA"
scripts/services.sh start --data-dir "$DATA" >/dev/null
trap 'scripts/services.sh stop --data-dir "$DATA" >/dev/null 2>&1 || true' EXIT
set -a; . "$DATA/services.env"; set +a

BENCH_CP="bench/target/classes:$(cat bench/target/runtime.classpath)"
LAUNCHER_CP="runners/target/classes:$(cat runners/target/runtime.classpath)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench-results/$STAMP"
mkdir -p "$OUT"

run() { # runner-spec scenario extra-args...
  local spec="$1" scenario="$2"; shift 2
  local runner="${spec%%:*}" extra=()
  if [ "$runner" = FlinkRunner ]; then
    local p="${spec#*:}"; [ "$p" = "$spec" ] && p=1
    extra=(--pipeline.flinkMaster=[local] --pipeline.parallelism="$p")
  fi
  local name="$scenario-${spec//:/-p}-$*"; name="${name// /_}"; name="${name//--/}"
  java -Xmx2g -cp "$BENCH_CP" io.candles.bench.Bench --scenario="$scenario" --runner="$runner" \
    --bootstrapServers="$BOOTSTRAP_SERVERS" --jdbcUrl="$JDBC_URL" --jdbcUser="$JDBC_USER" \
    --jdbcPassword="$JDBC_PASSWORD" --launcherClasspath="$LAUNCHER_CP" --logDir="$OUT/logs" \
    --out="$OUT/$name.json" --pipeline.idleTimeout=1s "${extra[@]}" ${BENCH_EXTRA:-} "$@" \
    | grep -vE '^\[|SLF4J' || true
}

for spec in $RUNNERS; do
  for scenario in $SCENARIOS; do
    if [ "$scenario" = throughput ]; then
      run "$spec" throughput --ticks="$TICKS" --pairs=50
    else
      run "$spec" latency --pairs=20 --ratePerPair=400 --durationSeconds="$DURATION"
      run "$spec" latency --pairs=50 --ratePerPair=417 --durationSeconds="$DURATION"
      run "$spec" latency --pairs=5 --ratePerPair=100 --durationSeconds="$DURATION"
    fi
  done
done

echo
echo "Results ($(nproc) cores; JSON in $OUT):"
printf '%-11s %-14s %-22s %12s %8s %8s %8s %8s %s\n' scenario runner load ticks/s p50_ms p95_ms p99_ms max_ms correct
for f in "$OUT"/*.json; do
  [ -f "$f" ] || continue
  python3 - "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
runner = r["runner"] + (" p" + r["pipelineArgs"].split("parallelism=")[1].split()[0] if "parallelism=" in r["pipelineArgs"] else "")
if r["scenario"] == "throughput":
    load = f'{r.get("ticks", 0):,} preloaded'
    tps = r.get("ticksPerSecond", r.get("ticksPerSecondLowerBound", 0))
    print(f'{"throughput":<11} {runner:<14} {load:<22} {tps:>12,} {"":>8} {"":>8} {"":>8} {"":>8} {r["correct"]}')
else:
    load = f'{r["pairs"]} x {r.get("ratePerPair", 0)}/s'
    print(f'{"latency":<11} {runner:<14} {load:<22} {r.get("achievedTicksPerSecond", 0):>12,} {r.get("latencyMillisP50", -1):>8} {r.get("latencyMillisP95", -1):>8} {r.get("latencyMillisP99", -1):>8} {r.get("latencyMillisMax", -1):>8} {r["correct"]}')
PY
done
