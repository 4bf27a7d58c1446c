#!/usr/bin/env bash
# Creates the base images of the registry-free container build (docker-compose.debian.yml) when they are
# missing: a minimal Debian bookworm made with debootstrap from the Debian mirror this machine's apt already
# uses, turned into an image with 'docker import', and on it Java 17 from Debian's package (docker/jre). No
# container registry is needed. Every other image of the stack is built on these two: Kafka and Flink from their
# Maven jars, PostgreSQL from Debian's package, the app from the jars built on this machine.
#
#   scripts/docker-base-image.sh [--name NAME] [--force]
#
# NAME defaults to $BASE_IMAGE, else candles/debian-base:bookworm; the Java image is $JRE_IMAGE, else
# candles/jre:17. --force rebuilds both even if they exist. Needs root (debootstrap), a running Docker engine, and
# debootstrap (installed with apt-get when missing). The mirror is read from /etc/apt/sources.list.d/*.sources
# or /etc/apt/sources.list at run time; apt inside the images uses it too.
set -euo pipefail

NAME="${BASE_IMAGE:-candles/debian-base:bookworm}"
JRE_IMAGE="${JRE_IMAGE:-candles/jre:17}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE=bookworm
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --name) [ $# -ge 2 ] || { echo "docker-base-image.sh: --name needs a value" >&2; exit 2; }; NAME="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "docker-base-image.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() {
  echo "docker-base-image.sh: $*" >&2
  exit 1
}

docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed): start one (dockerd) first"

# Java on the base image: built whenever the base image is new, or when it is missing.
jre_image() {
  if [ "$FORCE" = 0 ] && docker image inspect "$JRE_IMAGE" >/dev/null 2>&1; then
    echo "Java image $JRE_IMAGE exists"
    return
  fi
  local start=$SECONDS
  docker build -q --build-arg BASE_IMAGE="$NAME" -t "$JRE_IMAGE" "$REPO_ROOT/docker/jre" >/dev/null
  echo "Java image $JRE_IMAGE built in $((SECONDS - start)) s"
}

if [ "$FORCE" = 0 ] && docker image inspect "$NAME" >/dev/null 2>&1; then
  echo "base image $NAME exists"
  jre_image
  exit 0
fi

# The first URI of an apt source for the suite itself (not -updates or -security): deb822 stanzas first, then
# one-line entries.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$SUITE" '
      function flush() { if (deb && hasSuite && uri != "") { print uri; found = 1; exit } deb = 0; hasSuite = 0; uri = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^[Tt]ypes:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) hasSuite = 1 }
      /^Enabled:[[:space:]]*no/ { deb = 0 }
      END { if (!found) flush() }
    ' "$f"
  done | head -n 1 | grep . && return 0
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -e 's/\[[^]]*\]//' "$f" | awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }'
  done | head -n 1 | grep .
}

MIRROR="$(apt_mirror)" || die "no apt source for Debian $SUITE in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "docker-base-image.sh: installing debootstrap (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

ROOTFS="$(mktemp -d /tmp/candles-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "debootstrap --variant=minbase $SUITE from $MIRROR (about 1.5 minutes)"
start=$SECONDS
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" > "$ROOTFS.log" 2>&1 || {
  tail -20 "$ROOTFS.log" >&2
  rm -f "$ROOTFS.log"
  die "debootstrap failed (above)"
}
rm -f "$ROOTFS.log"
# Package lists and caches are fetched again by every image that installs something.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | docker import -c 'CMD ["/bin/bash"]' -c 'ENV LANG=C.UTF-8' - "$NAME" >/dev/null
echo "base image $NAME created in $((SECONDS - start)) s ($(docker image inspect -f '{{.Size}}' "$NAME" | awk '{printf "%d MB", $1 / 1e6}'))"
FORCE=1
jre_image
