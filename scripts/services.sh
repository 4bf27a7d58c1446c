#!/usr/bin/env bash
# Starts, stops or checks the local services (a Kafka broker and PostgreSQL) that io.candles.devservices.DevServices
# runs in the background for local runs.
#
#   scripts/services.sh start  [--data-dir DIR] [--kafka-port N] [--pg-port N] [--pg-setting NAME=VALUE ...]
#   scripts/services.sh stop   [--data-dir DIR]
#   scripts/services.sh status [--data-dir DIR]
#
# DIR defaults to .local-data in the repository root. It holds the services' data (kept across restarts,
# ports included), DIR/devservices.log, DIR/devservices.pid and, while they run, DIR/services.env with
# BOOTSTRAP_SERVERS, JDBC_URL, JDBC_USER, JDBC_PASSWORD and DEVSERVICES_PID. Load it into a shell with:
#   set -a; . DIR/services.env; set +a
#
# Exit status: 0 on success (status: running), 1 on failure (status: not running), 2 for bad arguments.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$REPO_ROOT/devservices"
CLASSES="$MODULE/target/classes"
RUNTIME_CLASSPATH="$MODULE/target/runtime.classpath"
START_TIMEOUT=120
STOP_TIMEOUT=60

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

SCRIPT_NAME=services.sh
# shellcheck source=lib/launch.sh
. "$REPO_ROOT/scripts/lib/launch.sh"

command="${1:-}"
[ $# -gt 0 ] && shift
DATA_DIR="$REPO_ROOT/.local-data"
PASS_THROUGH=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) [ $# -ge 2 ] || { echo "services.sh: --data-dir needs a value" >&2; exit 2; }; DATA_DIR="$2"; shift 2 ;;
    --kafka-port|--pg-port|--pg-setting)
      [ "$command" = start ] || { echo "services.sh: $1 is for start only" >&2; exit 2; }
      [ $# -ge 2 ] || { echo "services.sh: $1 needs a value" >&2; exit 2; }
      PASS_THROUGH+=("$1" "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "services.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
DATA_DIR="$(realpath -m "$DATA_DIR")"
ENV_FILE="$DATA_DIR/services.env"
PID_FILE="$DATA_DIR/devservices.pid"
LOG_FILE="$DATA_DIR/devservices.log"

# The PID of a running DevServices for DATA_DIR, from services.env or else the pid file; empty if none.
running_pid() {
  local pid=""
  if [ -f "$ENV_FILE" ]; then
    pid="$(sed -n 's/^DEVSERVICES_PID=//p' "$ENV_FILE")"
  fi
  if [ -z "$pid" ] && [ -f "$PID_FILE" ]; then
    pid="$(cat "$PID_FILE")"
  fi
  # kill -0 alone would also accept a recycled PID; the command line must name DevServices and this DIR.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
      && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "io.candles.devservices.DevServices --data-dir $DATA_DIR"; then
    echo "$pid"
  fi
}

build_module() {
  build_if_missing devservices "$CLASSES/io/candles/devservices/DevServices.class" \
    "$CLASSES/io/candles/devservices/kafka-broker.classpath" "$RUNTIME_CLASSPATH"
}

print_env() {
  cat "$ENV_FILE"
  local url user password
  url="$(sed -n 's/^JDBC_URL=//p' "$ENV_FILE")"
  user="$(sed -n 's/^JDBC_USER=//p' "$ENV_FILE")"
  password="$(sed -n 's/^JDBC_PASSWORD=//p' "$ENV_FILE")"
  echo
  echo "JDBC URL to paste: $url?user=$user&password=$password"
  echo "Into a shell:      set -a; . $ENV_FILE; set +a"
}

start() {
  local pid
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    echo "devservices is already running (pid $pid) for $DATA_DIR"
    [ -f "$ENV_FILE" ] && print_env
    return 0
  fi
  build_module
  mkdir -p "$DATA_DIR"
  rm -f "$ENV_FILE"
  local java
  java="$(java_binary)"
  echo "services.sh: starting devservices for $DATA_DIR (log: $LOG_FILE)"
  nohup "$java" -Xmx256m -cp "$CLASSES:$(cat "$RUNTIME_CLASSPATH")" io.candles.devservices.DevServices \
    --data-dir "$DATA_DIR" "${PASS_THROUGH[@]+"${PASS_THROUGH[@]}"}" >>"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" > "$PID_FILE"

  local waited=0
  while [ ! -f "$ENV_FILE" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "services.sh: devservices exited during startup; last lines of $LOG_FILE:" >&2
      tail -n 30 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 2)) ]; then
      echo "services.sh: devservices did not become ready within ${START_TIMEOUT} s; stopping it; last lines of $LOG_FILE:" >&2
      tail -n 30 "$LOG_FILE" >&2
      stop_pid "$pid" >/dev/null || true
      exit 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "devservices is running (pid $pid):"
  print_env
}

# Sends SIGTERM (DevServices then stops the broker and postgres cleanly) and waits for the process to exit.
stop_pid() {
  local pid="$1" waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((STOP_TIMEOUT * 2)) ]; then
      die "devservices (pid $pid) did not exit within ${STOP_TIMEOUT} s of SIGTERM; see $LOG_FILE (kill -9 $pid ends it, but may leave a broker or postgres running for up to a minute)"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
}

stop() {
  local pid
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    echo "devservices is not running for $DATA_DIR"
    rm -f "$PID_FILE"
    return 0
  fi
  echo "services.sh: stopping devservices (pid $pid)"
  stop_pid "$pid"
  echo "devservices stopped"
}

status() {
  local pid
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    echo "devservices is not running for $DATA_DIR"
    return 1
  fi
  if [ -f "$ENV_FILE" ]; then
    echo "devservices is running (pid $pid) for $DATA_DIR:"
    print_env
  else
    echo "devservices is starting (pid $pid) for $DATA_DIR; log: $LOG_FILE"
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h|--help|help) usage ;;
  *) echo "usage: scripts/services.sh start|stop|status [--data-dir DIR] (see --help)" >&2; exit 2 ;;
esac
