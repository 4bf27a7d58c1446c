#!/bin/bash
# Starts a JobManager ('jobmanager', a session cluster) or a TaskManager ('taskmanager') in the foreground, the
# way the official flink image does: conf/config.yaml from a container's defaults plus every 'key: value' line
# of FLINK_PROPERTIES (which win), and the JVM's memory flags computed from it by Flink's own BashJavaUtils, as
# Flink's jobmanager.sh and taskmanager.sh do. Anything else is run as a command.
set -euo pipefail
CONF_DIR="$FLINK_HOME/conf"

case "${1:-help}" in
  jobmanager)
    main=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
    resources=GET_JM_RESOURCE_PARAMS ;;
  taskmanager)
    main=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
    resources=GET_TM_RESOURCE_PARAMS ;;
  help)
    echo "usage: jobmanager | taskmanager | COMMAND...   (settings: FLINK_PROPERTIES, one 'key: value' a line)"
    exit 0 ;;
  *) exec "$@" ;;
esac
role="$1"
shift

# A container's defaults: listen on every interface of the container (its network is the compose project's),
# fixed ports so that other containers can reach them.
declare -A conf=(
  [jobmanager.rpc.address]=jobmanager
  [jobmanager.rpc.port]=6123
  [jobmanager.bind-host]=0.0.0.0
  [taskmanager.bind-host]=0.0.0.0
  [rest.address]=0.0.0.0
  [rest.bind-address]=0.0.0.0
  [blob.server.port]=6124
  [query.server.port]=6125
  [jobmanager.memory.process.size]=1600m
  [taskmanager.memory.process.size]=1728m
  [taskmanager.numberOfTaskSlots]=1
)
while IFS= read -r line; do
  if [[ "$line" =~ ^[[:space:]]*([A-Za-z0-9_.-]+)[[:space:]]*:[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]]; then
    conf["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
  fi
done <<< "${FLINK_PROPERTIES:-}"
{
  echo "# Written by docker-entrypoint.sh from FLINK_PROPERTIES on every start."
  for key in $(printf '%s\n' "${!conf[@]}" | sort); do
    printf '%s: %s\n' "$key" "${conf[$key]}"
  done
} > "$CONF_DIR/config.yaml"

CLASSPATH="$FLINK_HOME/lib/*"
out="$(java -Xmx128m -cp "$CLASSPATH" org.apache.flink.runtime.util.bash.BashJavaUtils "$resources" \
  --configDir "$CONF_DIR" 2>&1)" || { echo "$out" >&2; exit 1; }
results="$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$out")"
jvm_params="$(tail -n 2 <<< "$results" | head -n 1)"
dynamic="$(tail -n 1 <<< "$results")"
[ -n "$jvm_params" ] || { echo "Flink's BashJavaUtils computed no memory settings:" >&2; echo "$out" >&2; exit 1; }

# What Flink's distribution puts in env.java.opts.all for Java 17.
JAVA17=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

# shellcheck disable=SC2086 # BashJavaUtils' results are word lists
exec java $jvm_params "${JAVA17[@]}" -XX:+ExitOnOutOfMemoryError \
  -Dlog.file="$FLINK_HOME/log/flink-$role.log" \
  -Dlog4j.configurationFile="file:$FLINK_HOME/conf-defaults/log4j-console.properties" \
  -cp "$CLASSPATH" "$main" --configDir "$CONF_DIR" $dynamic "$@"
