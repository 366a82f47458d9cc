#!/usr/bin/env bash
# Builds the images the docker environments and their tests use, when missing:
#   orchestrator/debian:bookworm  a Debian base made with debootstrap from the machine's package mirror
#   orchestrator/postgres:15      PostgreSQL 15 on it (docker/postgres/Dockerfile)
#   orchestrator/mariadb:10.11    MariaDB 10.11 on it (docker/mariadb/Dockerfile)
# Needs a running Docker engine, debootstrap, and root. Safe to run again: an image is rebuilt only
# when its Dockerfile changed.
set -euo pipefail
cd "$(dirname "$0")/.."

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

if ! has_image orchestrator/debian:bookworm; then
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d /var/tmp/orchestrator-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  echo "setup: making a Debian bookworm base image with debootstrap from $mirror (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
  rm -f "$rootfs.log"
  tar -C "$rootfs" -c . | docker import - orchestrator/debian:bookworm >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

# An image is rebuilt when its Dockerfile changed since it was built (the label records the recipe).
build() { # TAG DIRECTORY
  local recipe log
  recipe=$(sha256sum "$2/Dockerfile" | cut -c1-16)
  [ "$(docker image inspect -f '{{index .Config.Labels "dev.orchestrator.recipe"}}' "$1" 2>/dev/null)" = "$recipe" ] && return 0
  echo "setup: building image $1"
  log=$(mktemp)
  # The classic builder: Debian's engine has no BuildKit plugin; its deprecation notice is noise here.
  DOCKER_BUILDKIT=0 docker build --label "dev.orchestrator.recipe=$recipe" -t "$1" "$2" >"$log" 2>&1 || { tail -30 "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
}

build orchestrator/postgres:15 docker/postgres
build orchestrator/mariadb:10.11 docker/mariadb
