#!/usr/bin/env bash
# Publishes the command line to artifacts/cli, precompiled (ReadyToRun) so each command starts
# faster; falls back to a plain publish where the ReadyToRun compiler package is unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/cli
if ! dotnet publish src/Orchestrator.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out" -nologo -v quiet -clp:ErrorsOnly >/dev/null 2>&1; then
  echo "setup: the ReadyToRun publish failed; trying a plain publish (its errors, if any, follow)" >&2
  dotnet publish src/Orchestrator.Cli -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly
fi
