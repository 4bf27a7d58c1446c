#!/usr/bin/env bash
# Benchmarks the candle pipeline: sustained throughput and tick-to-table latency, measured from
# outside it (load into Kafka, candles read back from PostgreSQL), with a correctness check at the
# end of every run. Prints a table and writes bench-results/<time>/*.json.
#
#   scripts/bench.sh [--runners "DirectRunner FlinkRunner:1 FlinkRunner:2"] [--scenarios "throughput latency push"]
#                    [--ticks N] [--quick]
#
# --runners    DirectRunner; FlinkRunner:P for a local Flink mini-cluster at parallelism P; and
#              FlinkCluster:P for a Flink session cluster (scripts/flink-cluster.sh) of P TaskManagers
#              with one slot each, TaskManager i pinned to core i (taskset), the job at parallelism P:
#              scale-out by adding workers, each bringing one core (default: "DirectRunner")
# --scenarios  throughput: preload --ticks (default 2,000,000) over 50 pairs, time until all are in
#                          the table;
#              latency:    live load at each of --loads, 30 s warm-up then 60 s measured;
#              push:       20 pairs x 400 ticks/s into the contract's table, served by the candle server
#                          (serve/, its own JVM): tick sent -> kline event at a WebSocket client, beside
#                          tick sent -> row in the table, once alone and once with 1,000 idle clients
#                          and a slow one (never reading) on the same server
#              (default: all three)
# --loads      latency loads as PAIRSxRATE, ticks/s per pair (default: "20x400 50x417 5x100 10x500":
#              the reference load, the issue's peak, a light one, and 5,000 ticks/s)
# --quick      small runs (200,000 ticks; latency 20 s) to try the set-up
#
# Every latency and push run also reports the rows the pipeline wrote per second in the measured window
# (pg_stat_user_tables), a latency run how often each row was rewritten (p50, p95: the runner's real
# bundle length, which a tick waits for), and each explains its tail: for the slow ticks (> 2x p50) and the slowest 1 %, the
# share that were in flight during a Flink checkpoint, a GC pause of the pipeline's JVM, a PostgreSQL
# checkpoint, an autovacuum run or a stretch with every core of the machine busy (from the pipeline's
# log and GC log, PostgreSQL's log, and /proc/stat sampled every 100 ms), beside the same share of all
# ticks; a latency run also prints the cores each process used over the measured minute (pipeline,
# PostgreSQL, broker, this benchmark, the rest); per-tick latencies in *-latencies.csv, logs in logs/.
#
# BENCH_EXTRA (environment) adds arguments to every run: --pipeline.NAME=VALUE for the pipeline
# (e.g. --pipeline.earlyFiringDelay=20ms), --pipelineJvmOpts=... for its JVM, --warmupSeconds=N.
# It starts its own Kafka broker and PostgreSQL (data in .bench-data, wiped first), and stops them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNNERS="DirectRunner"
SCENARIOS="throughput latency push"
TICKS=2000000
DURATION=60
LOADS="20x400 50x417 5x100 10x500"
while [ $# -gt 0 ]; do
  case "$1" in
    --runners) RUNNERS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --ticks) TICKS="$2"; shift 2 ;;
    --loads) LOADS="$2"; shift 2 ;;
    --quick) TICKS=200000; DURATION=20; shift ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

echo "bench.sh: building"
mvn -q -B -DskipTests -pl bench,runners,devservices,flink-cluster,serve -am install
DATA="$ROOT/.bench-data"
FLINK_DIR="$DATA/flink"
start_cluster() { # P: P TaskManagers of one slot each, TaskManager i pinned to core i (mod cores)
  scripts/flink-cluster.sh start --taskmanagers "$1" --slots 1 --data-dir "$FLINK_DIR" >/dev/null
  local i
  for ((i = 1; i <= $1; i++)); do
    # -a: every thread of the JVM; threads it starts later inherit the affinity.
    taskset -a -cp $(((i - 1) % $(nproc))) "$(cat "$FLINK_DIR/pid/tm-$i.pid")" >/dev/null
  done
  set -a; . "$FLINK_DIR/flink.env"; set +a
}
stop_cluster() {
  scripts/flink-cluster.sh stop --data-dir "$FLINK_DIR" >/dev/null 2>&1 || true
}
[ -d "$FLINK_DIR" ] && stop_cluster
[ -d "$DATA" ] && scripts/services.sh stop --data-dir "$DATA" >/dev/null 2>&1 || true
rm -rf "$DATA"
trap 'stop_cluster; scripts/services.sh stop --data-dir "$DATA" >/dev/null 2>&1 || true' EXIT
# Checkpoints and autovacuum runs logged with millisecond UTC times: evidence for the latency tail.
scripts/services.sh start --data-dir "$DATA" --pg-setting log_checkpoints=on \
  --pg-setting log_autovacuum_min_duration=0 --pg-setting "log_line_prefix=%m [%p] " \
  --pg-setting log_timezone=UTC >/dev/null
PG_LOG="$DATA/postgres/postgres.log"
set -a; . "$DATA/services.env"; set +a

BENCH_CP="bench/target/classes:$(cat bench/target/runtime.classpath)"
LAUNCHER_CP="runners/target/classes:$(cat runners/target/runtime.classpath)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench-results/$STAMP"
mkdir -p "$OUT"

run() { # runner-spec scenario extra-args...
  local spec="$1" scenario="$2"; shift 2
  local runner="${spec%%:*}" extra=(--pgLog="$PG_LOG") p
  p="${spec#*:}"; [ "$p" = "$spec" ] && p=1
  if [ "$runner" = FlinkRunner ]; then
    extra+=(--pipeline.flinkMaster=[local] --pipeline.parallelism="$p")
  elif [ "$runner" = FlinkCluster ]; then
    start_cluster "$p"
    runner=FlinkRunner
    # Its checkpoints are in the JobManager's log.
    extra+=(--pipeline.flinkMaster="$FLINK_MASTER" --pipeline.parallelism="$p" --flinkLog="$FLINK_DIR/log/jobmanager.log")
  fi
  local name="$scenario-${spec//:/-p}-$*"; name="${name// /_}"; name="${name//--/}"
  java -Xmx2g -cp "$BENCH_CP" io.candles.bench.Bench --scenario="$scenario" --runner="$runner" \
    --bootstrapServers="$BOOTSTRAP_SERVERS" --jdbcUrl="$JDBC_URL" --jdbcUser="$JDBC_USER" \
    --jdbcPassword="$JDBC_PASSWORD" --launcherClasspath="$LAUNCHER_CP" --logDir="$OUT/logs" \
    --out="$OUT/$name.json" --pipeline.idleTimeout=1s "${extra[@]}" ${BENCH_EXTRA:-} "$@" \
    | grep -vE '^\[|SLF4J' || true
  if [ "${spec%%:*}" = FlinkCluster ]; then
    # How the work spread over the workers: CPU seconds each TaskManager used (utime + stime).
    local i cpu=()
    for ((i = 1; i <= p; i++)); do
      cpu+=("tm-$i $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' \
        "/proc/$(cat "$FLINK_DIR/pid/tm-$i.pid")/stat") s")
    done
    echo "TaskManager CPU (core i for tm-i): $(IFS=,; echo "${cpu[*]}")"
    # A job on a session cluster outlives its launcher: the cluster goes, and the job with it.
    stop_cluster
  fi
  return 0
}

for spec in $RUNNERS; do
  for scenario in $SCENARIOS; do
    if [ "$scenario" = throughput ]; then
      run "$spec" throughput --ticks="$TICKS" --pairs=50
    elif [ "$scenario" = push ]; then
      # The candle server runs from serve/target/candles-serve.jar (Bench's --serveJar default).
      run "$spec" push --pairs=20 --ratePerPair=400 --durationSeconds="$DURATION"
      run "$spec" push --pairs=20 --ratePerPair=400 --durationSeconds="$DURATION" --idleClients=1000 --slowClients=1
    else
      for load in $LOADS; do
        run "$spec" latency --pairs="${load%x*}" --ratePerPair="${load#*x}" --durationSeconds="$DURATION"
      done
    fi
  done
done

echo
echo "Results ($(nproc) cores; JSON in $OUT):"
printf '%-11s %-14s %-22s %12s %8s %8s %8s %8s %9s %s\n' scenario runner load ticks/s p50_ms p95_ms p99_ms max_ms rows_w/s correct
for f in "$OUT"/*.json; do
  [ -f "$f" ] || continue
  python3 - "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
args = r["pipelineArgs"]
runner = r["runner"]
# Rows the pipeline wrote per second in the measured window (older results have none).
rows = f'{r["rowWritesPerSecond"]:,}' if "rowWritesPerSecond" in r else ""
if runner == "FlinkRunner" and "flinkMaster=[local]" not in args:
    runner = "FlinkCluster"
if "parallelism=" in args:
    runner += " p" + args.split("parallelism=")[1].split()[0]
if r["scenario"] == "push":
    load = f'{r["pairs"]} x {r.get("ratePerPair", 0)}/s, {r.get("idleClients", 0)} idle {r.get("slowClients", 0)} slow'
    print(f'{"to table":<11} {runner:<14} {load:<22} {r.get("achievedTicksPerSecond", 0):>12,} {r.get("tableLatencyMillisP50", -1):>8} {r.get("tableLatencyMillisP95", -1):>8} {r.get("tableLatencyMillisP99", -1):>8} {r.get("tableLatencyMillisMax", -1):>8} {rows:>9} {r["correct"]}')
    print(f'{"to client":<11} {runner:<14} {load:<22} {r.get("achievedTicksPerSecond", 0):>12,} {r.get("latencyMillisP50", -1):>8} {r.get("latencyMillisP95", -1):>8} {r.get("latencyMillisP99", -1):>8} {r.get("latencyMillisMax", -1):>8} {rows:>9} {r["correct"]}')
    print(f'{"push adds":<11} {runner:<14} {load:<22} {"":>12} {r.get("pushAddsMillisP50", -1):>8} {r.get("pushAddsMillisP95", -1):>8} {r.get("pushAddsMillisP99", -1):>8} {r.get("pushAddsMillisMax", -1):>8} {"":>9} {r["correct"]}')
    print(f'{"server adds":<11} {runner:<14} {load:<22} {"":>12} {r.get("serverAddsMillisP50", -1):>8} {r.get("serverAddsMillisP95", -1):>8} {r.get("serverAddsMillisP99", -1):>8} {r.get("serverAddsMillisMax", -1):>8} {"":>9} {r["correct"]}')
elif r["scenario"] == "throughput":
    load = f'{r.get("ticks", 0):,} preloaded'
    tps = r.get("ticksPerSecond", r.get("ticksPerSecondLowerBound", 0))
    print(f'{"throughput":<11} {runner:<14} {load:<22} {tps:>12,} {"":>8} {"":>8} {"":>8} {"":>8} {"":>9} {r["correct"]}')
else:
    load = f'{r["pairs"]} x {r.get("ratePerPair", 0)}/s'
    print(f'{"latency":<11} {runner:<14} {load:<22} {r.get("achievedTicksPerSecond", 0):>12,} {r.get("latencyMillisP50", -1):>8} {r.get("latencyMillisP95", -1):>8} {r.get("latencyMillisP99", -1):>8} {r.get("latencyMillisMax", -1):>8} {rows:>9} {r["correct"]}')
PY
done
