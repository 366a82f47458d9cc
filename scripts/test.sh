#!/usr/bin/env bash
# Runs the whole test suite: unit tests, then integration tests that start real PostgreSQL 15
# and MariaDB 10.11 servers on 127.0.0.1 (ports picked by the tests), then the shell tests
# (tests/debian-mirror), then a short fault campaign on each engine and provider. Installs what is
# missing first.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

log=$(mktemp)
status=0
for project in tests/Orchestrator.Tests tests/Orchestrator.IntegrationTests; do
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee -a "$log" | grep -vE '^\s+Passed ' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

# The shell tests: the Debian mirror lookup of scripts/build-images.sh. Its closing line "N passed, M failed".
tests/debian-mirror/run.sh 2>&1 | tee "$log.shell"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
shell_counts=$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log.shell" | tail -1)
[ -n "$shell_counts" ] || { shell_counts="0 0"; status=1; }
read -r shell_passed shell_failed <<<"$shell_counts"

# The short fault campaign (tests/Orchestrator.Chaos): 5 seeded runs per engine and provider,
# each must lose no acknowledged write and see no split brain. Each run counts as one test.
chaos_passed=0
chaos_failed=0
for provider in local docker; do
  for engine in postgres mariadb; do
    dotnet run --no-build -c Release --project tests/Orchestrator.Chaos -- --engine "$engine" --provider "$provider" --runs 5 --seed 1 2>&1 | tee "$log.chaos"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    ok=$(grep -cE '^run [0-9]+/[0-9]+ .*: ok ' "$log.chaos" || true)
    bad=$(grep -cE '^run [0-9]+/[0-9]+ .*: FAILED ' "$log.chaos" || true)
    [ "$ok" -gt 0 ] || status=1
    chaos_passed=$((chaos_passed + ok))
    chaos_failed=$((chaos_failed + bad))
  done
done
rm -f "$log.chaos"

# One closing line for the whole suite.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log" "$log.shell"
[ "$passed" -gt 0 ] || status=1
passed=$((passed + shell_passed + chaos_passed))
failed=$((failed + shell_failed + chaos_failed))
[ "$failed" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
