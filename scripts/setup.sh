#!/usr/bin/env bash
# Installs what Orchestrator needs on a Debian machine, when missing, and builds it.
#   Debian packages: postgresql-15, mariadb-server, mariadb-backup, prometheus (the monitoring tests),
#   sqlite3 and prometheus-postgres-exporter (the benchmarks' baselines), docker.io and debootstrap
#   (docker environments and their tests), tcpdump (the test that captures a docker network's traffic)
#   Docker: starts dockerd when no engine answers (there is no systemd to do it), and builds the
#   images the docker environments use (scripts/build-images.sh).
#   .NET: restores NuGet packages and builds the solution (Release).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for package in postgresql-15 mariadb-server mariadb-backup sqlite3 prometheus prometheus-postgres-exporter docker.io debootstrap tcpdump; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${need[*]}; run this script as root (or: sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  # The packages' own services are not needed: the tool starts its own servers.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v dockerd >/dev/null; then
    echo "setup: no Docker engine answers; start one (dockerd, or Docker Desktop) and run this again" >&2
    exit 1
  fi
  echo "setup: starting the Docker engine (dockerd; log in /var/log/orchestrator-dockerd.log)"
  nohup dockerd >/var/log/orchestrator-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  if ! docker info >/dev/null 2>&1; then
    echo "setup: dockerd did not answer within 30 s; its log ends with:" >&2
    tail -20 /var/log/orchestrator-dockerd.log >&2
    exit 1
  fi
fi
scripts/build-images.sh

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET SDK (10.0) is required and was not found on the PATH" >&2
  exit 1
fi

echo "setup: building (dotnet build -c Release)"
dotnet build Orchestrator.sln -c Release -nologo -v quiet -clp:ErrorsOnly
scripts/publish-cli.sh
