#!/usr/bin/env bash
# Builds and runs a short fault campaign (tests/Orchestrator.Chaos) against real servers.
# Usage: scripts/chaos.sh [options of the campaign]   (default: --engine postgres --provider local --runs 5 --seed 1)
# Runs one heavy job at a time on this machine (flock on /tmp/orchestrator-integration.lock).
# The last line on stdout is the campaign's summary; the exit code is the campaign's (0 all runs passed).
set -euo pipefail
cd "$(dirname "$0")/.."
nice dotnet build tests/Orchestrator.Chaos -c Release -nologo -v quiet -clp:ErrorsOnly >&2
[ "$#" -gt 0 ] || set -- --engine postgres --provider local --runs 5 --seed 1
exec flock /tmp/orchestrator-integration.lock dotnet run --no-build -c Release --project tests/Orchestrator.Chaos -- "$@"
