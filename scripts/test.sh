#!/usr/bin/env bash
# Runs the whole test suite: unit tests, then integration tests that start real PostgreSQL 15
# and MariaDB 10.11 servers on 127.0.0.1 (ports picked by the tests), then the shell tests
# (tests/debian-mirror). Installs what is missing first.
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

# One closing line for the whole suite.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log" "$log.shell"
[ "$passed" -gt 0 ] || status=1
passed=$((passed + shell_passed))
failed=$((failed + shell_failed))
[ "$failed" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
