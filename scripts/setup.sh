#!/usr/bin/env bash
# Installs what Orchestrator needs on a Debian machine, when missing, and builds it.
#   Debian packages: postgresql-15, mariadb-server, mariadb-backup, prometheus (the monitoring tests),
#   sqlite3 and prometheus-postgres-exporter (the benchmarks' baselines)
#   .NET: restores NuGet packages and builds the solution (Release).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for package in postgresql-15 mariadb-server mariadb-backup sqlite3 prometheus prometheus-postgres-exporter; do
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

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET SDK (10.0) is required and was not found on the PATH" >&2
  exit 1
fi

echo "setup: building (dotnet build -c Release)"
dotnet build Orchestrator.sln -c Release -nologo -v quiet -clp:ErrorsOnly
scripts/publish-cli.sh
