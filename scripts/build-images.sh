#!/usr/bin/env bash
# Builds the images the docker environments and their tests use, when missing:
#   orchestrator/debian:bookworm  a Debian base made with debootstrap from the machine's package mirror
#   orchestrator/postgres:15      PostgreSQL 15 on it (docker/postgres/Dockerfile)
#   orchestrator/mariadb:10.11    MariaDB 10.11 on it (docker/mariadb/Dockerfile)
# The mirror is the one apt uses (scripts/debian-mirror.sh; ORCHESTRATOR_DEBIAN_MIRROR overrides it), and
# apt's proxy (Acquire::http::Proxy, Acquire::https::Proxy) and Check-Valid-Until/Check-Date carry into
# debootstrap and the image builds.
# Needs a running Docker engine, debootstrap, and root. Safe to run again: the base image is rebuilt
# only when the mirror changed (its label records it), an image on it when its Dockerfile or the base
# changed.
set -euo pipefail
cd "$(dirname "$0")/.."

base=orchestrator/debian:bookworm
label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null; } # IMAGE KEY

# apt's proxy and the options its Release checks take (quoted by apt-config for the shell).
apt_http_proxy= apt_https_proxy= apt_valid_until= apt_check_date=
if command -v apt-config >/dev/null; then
  eval "$(apt-config shell apt_http_proxy Acquire::http::Proxy apt_https_proxy Acquire::https::Proxy \
    apt_valid_until Acquire::Check-Valid-Until apt_check_date Acquire::Check-Date)"
fi
# As apt does: the https proxy defaults to the http one, an unset one to the environment's; DIRECT is none.
http_proxy=${apt_http_proxy:-${http_proxy:-}}
https_proxy=${apt_https_proxy:-${apt_http_proxy:-${https_proxy:-}}}
proxy_args=()
for variable in http_proxy https_proxy; do
  if [ -n "${!variable}" ] && [ "${!variable}" != DIRECT ]; then export "$variable"; proxy_args+=(--build-arg "$variable"); else unset "$variable"; fi
done

# The base image: built when missing or made from another mirror. An image already built is used as it
# is when no mirror is found (nothing to fetch).
if docker image inspect "$base" >/dev/null 2>&1; then
  mirror=$(scripts/debian-mirror.sh 2>/dev/null) || mirror=$(label "$base" dev.orchestrator.mirror)
else
  mirror=$(scripts/debian-mirror.sh) || exit 1
fi
old_base=
if [ "$(label "$base" dev.orchestrator.mirror)" != "$mirror" ]; then
  old_base=$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null) || true
  rootfs=$(mktemp -d /var/tmp/orchestrator-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs" "$rootfs.log"' EXIT
  echo "setup: making a Debian bookworm base image with debootstrap from $mirror (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
  # apt in the image builds checks Release files as apt on this machine does.
  {
    [ -z "$apt_valid_until" ] || echo "Acquire::Check-Valid-Until \"$apt_valid_until\";"
    [ -z "$apt_check_date" ] || echo "Acquire::Check-Date \"$apt_check_date\";"
  } >"$rootfs/etc/apt/apt.conf.d/99orchestrator"
  [ -s "$rootfs/etc/apt/apt.conf.d/99orchestrator" ] || rm -f "$rootfs/etc/apt/apt.conf.d/99orchestrator"
  tar -C "$rootfs" -c . | docker import --change "LABEL dev.orchestrator.mirror=\"$mirror\"" - "$base" >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
  trap - EXIT
fi
base_id=$(docker image inspect -f '{{.Id}}' "$base")

# An image is rebuilt when its Dockerfile or the base changed since it was built (the label records the recipe).
build() { # TAG DIRECTORY
  local recipe log old
  recipe=$( { cat "$2/Dockerfile"; echo "$base_id"; } | sha256sum | cut -c1-16)
  [ "$(label "$1" dev.orchestrator.recipe)" = "$recipe" ] && return 0
  echo "setup: building image $1"
  old=$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null) || true
  log=$(mktemp)
  # The classic builder: Debian's engine has no BuildKit plugin; its deprecation notice is noise here.
  # apt in the build reaches the mirror as this machine does: on its network, through apt's proxy
  # (http_proxy and https_proxy are build arguments Docker predefines; apt reads them).
  DOCKER_BUILDKIT=0 docker build --network host ${proxy_args[@]+"${proxy_args[@]}"} \
    --label "dev.orchestrator.recipe=$recipe" -t "$1" "$2" >"$log" 2>&1 || { tail -30 "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
  # The image it replaces, unless a container still uses it.
  [ -z "$old" ] || [ "$old" = "$(docker image inspect -f '{{.Id}}' "$1")" ] || docker image rm "$old" >/dev/null 2>&1 || true
}

build orchestrator/postgres:15 docker/postgres
build orchestrator/mariadb:10.11 docker/mariadb
[ -z "$old_base" ] || [ "$old_base" = "$base_id" ] || docker image rm "$old_base" >/dev/null 2>&1 || true
