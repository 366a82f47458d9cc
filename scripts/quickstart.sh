#!/usr/bin/env bash
# Quick start: installs what is missing, builds, brings up environments/local.yaml
# (a PostgreSQL primary, a replica and a cascading replica on 127.0.0.1:55432-55434),
# applies the sample migrations (migrations/Sample) on its primary and prints its status. Stop it later with: ./orchestrator down -e environments/local.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# When run as root, the servers run as the 'postgres' user, which must be able to enter the
# state directory. A checkout under a private home directory is not reachable: keep state
# under /var/tmp instead, and say so.
if [ "$(id -u)" -eq 0 ] && [ -z "${ORCHESTRATOR_STATE_DIR:-}" ] && ! runuser -u postgres -- test -x "$PWD"; then
  export ORCHESTRATOR_STATE_DIR=/var/tmp/orchestrator
  echo "note: $PWD is not reachable by the 'postgres' user; keeping state in $ORCHESTRATOR_STATE_DIR."
  echo "      Export ORCHESTRATOR_STATE_DIR=$ORCHESTRATOR_STATE_DIR for later commands."
fi

./orchestrator up -e environments/local.yaml
./orchestrator migrate -e environments/local.yaml
./orchestrator status -e environments/local.yaml
