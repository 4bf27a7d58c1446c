#!/usr/bin/env bash
# Starts, stops or checks a local Apache Flink session cluster: a JobManager (REST API and web UI on a printed
# port) and TaskManagers, each its own JVM, run from Flink's Maven jars (the Flink that the Beam runner uses).
#
#   scripts/flink-cluster.sh start  [--taskmanagers N] [--slots N] [--data-dir DIR] [--rest-port N]
#                                   [--tm-memory SIZE] [--jm-memory SIZE]
#   scripts/flink-cluster.sh stop   [--data-dir DIR]
#   scripts/flink-cluster.sh status [--data-dir DIR]
#
# DIR defaults to .flink-cluster in the repository root. It holds conf/config.yaml (written on each start),
# log/ (NAME.log and NAME.out per process), pid/, checkpoints/, savepoints/ and, while the cluster runs,
# flink.env with FLINK_MASTER (host:port for the Flink runner's --flinkMaster) and FLINK_REST_URL.
# Defaults: 2 TaskManagers with 2 slots each, 1 GiB per JVM.
#
# Submit the pipeline to it (after 'mvn -pl runners -am package -DskipTests'):
#   java -jar runners/target/candles-pipeline.jar --runner=FlinkRunner --flinkMaster=$FLINK_MASTER \
#       --bootstrapServers=... --jdbcUrl=...
#
# Exit status: 0 on success (status: running), 1 on failure (status: not running), 2 for bad arguments.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$REPO_ROOT/flink-cluster"
CLASSES="$MODULE/target/classes"
# The process toolkit that starts the cluster's JVMs (built with it: -am).
PROCESS_CLASSES="$REPO_ROOT/process/target/classes"

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

SCRIPT_NAME=flink-cluster.sh
# shellcheck source=lib/launch.sh
. "$REPO_ROOT/scripts/lib/launch.sh"

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  start|stop|status) ;;
  -h|--help|help) usage; exit 0 ;;
  *) echo "usage: scripts/flink-cluster.sh start|stop|status [--taskmanagers N] [--data-dir DIR] (see --help)" >&2; exit 2 ;;
esac

DATA_DIR="$REPO_ROOT/.flink-cluster"
PASS_THROUGH=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) [ $# -ge 2 ] || { echo "flink-cluster.sh: --data-dir needs a value" >&2; exit 2; }; DATA_DIR="$2"; shift 2 ;;
    --taskmanagers|--slots|--rest-port|--tm-memory|--jm-memory)
      [ "$command" = start ] || { echo "flink-cluster.sh: $1 is for start only" >&2; exit 2; }
      [ $# -ge 2 ] || { echo "flink-cluster.sh: $1 needs a value" >&2; exit 2; }
      PASS_THROUGH+=("$1" "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "flink-cluster.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
DATA_DIR="$(realpath -m "$DATA_DIR")"

build_module() {
  build_if_missing flink-cluster "$CLASSES/io/candles/flinkcluster/FlinkClusterMain.class" \
    "$CLASSES/io/candles/flinkcluster/flink-cluster.classpath" "$PROCESS_CLASSES/io/candles/process/JavaCommand.class"
}

build_module
exec "$(java_binary)" -Xmx128m -cp "$CLASSES:$PROCESS_CLASSES" io.candles.flinkcluster.FlinkClusterMain \
  "$command" --data-dir "$DATA_DIR" "${PASS_THROUGH[@]+"${PASS_THROUGH[@]}"}"
