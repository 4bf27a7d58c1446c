# Sourced by the scripts that start a project JVM from its module's classes (services.sh,
# flink-cluster.sh): finding java, and building the module when its classes are missing.
# The sourcing script sets SCRIPT_NAME and REPO_ROOT first.

die() {
  echo "$SCRIPT_NAME: $*" >&2
  exit 1
}

java_binary() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    echo "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null; then
    echo java
  else
    die "no java found: install a JDK 17 or set JAVA_HOME"
  fi
}

# build_if_missing MODULE FILE...: builds MODULE (and what it needs) unless every FILE exists.
build_if_missing() {
  local module="$1"
  shift
  local f
  for f in "$@"; do
    if [ ! -f "$f" ]; then
      echo "$SCRIPT_NAME: building $module (mvn -q -B -pl $module -am package -DskipTests)"
      (cd "$REPO_ROOT" && mvn -q -B -pl "$module" -am package -DskipTests) \
        || die "building $module failed; run: cd $REPO_ROOT && mvn -pl $module -am package -DskipTests"
      return
    fi
  done
}
