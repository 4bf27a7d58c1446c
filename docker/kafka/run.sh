#!/bin/bash
# Starts the broker the way the apache/kafka image does: every KAFKA_* variable is a server.properties setting
# (KAFKA_ dropped, lower case, '_' for '.', '__' for '-', '___' for '_'), except the JVM's own (KAFKA_HEAP_OPTS,
# KAFKA_OPTS, ...); the storage is formatted with CLUSTER_ID on the first start.
set -euo pipefail
KAFKA_HOME=/opt/kafka
CONFIG="$KAFKA_HOME/config/server.properties"

{
  echo "# Written by run.sh from the KAFKA_* variables on every start."
  for var in $(compgen -e | sort); do
    case "$var" in
      KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_GC_LOG_OPTS|KAFKA_LOG4J_OPTS|KAFKA_JMX_OPTS|KAFKA_VERSION) ;;
      KAFKA_*)
        key="$(printf '%s' "${var#KAFKA_}" | tr '[:upper:]' '[:lower:]' \
          | sed -e 's/___/\x01/g' -e 's/__/-/g' -e 's/_/./g' -e 's/\x01/_/g')"
        printf '%s=%s\n' "$key" "${!var}" ;;
    esac
  done
} > "$CONFIG"
grep -q '^log\.dirs=' "$CONFIG" || echo "log.dirs=/var/lib/kafka/data" >> "$CONFIG"
LOG_DIRS="$(sed -n 's/^log\.dirs=//p' "$CONFIG" | cut -d, -f1)"

LOG4J="-Dlog4j2.configurationFile=$KAFKA_HOME/config-defaults/log4j2.xml"
CLASSPATH="$KAFKA_HOME/libs/*"
if [ ! -f "$LOG_DIRS/meta.properties" ]; then
  : "${CLUSTER_ID:?CLUSTER_ID is not set: the KRaft cluster id that new storage is formatted with}"
  java -Xmx256m $LOG4J -cp "$CLASSPATH" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$CONFIG"
fi
# shellcheck disable=SC2086 # the options are word lists
exec java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} \
  -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true $LOG4J ${KAFKA_OPTS:-} \
  -cp "$CLASSPATH" kafka.Kafka "$CONFIG"
