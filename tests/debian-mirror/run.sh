#!/usr/bin/env bash
# Tests scripts/debian-mirror.sh, the lookup of the Debian mirror scripts/build-images.sh debootstraps
# from. Each folder here is a case: its etc/apt tree stands for a machine's /etc/apt (made-up hosts
# only). Prints one line per case and a closing line "N passed, M failed"; exits 1 when any failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lookup=$here/../../scripts/debian-mirror.sh
mirror=http://mirror.example.test/debian
passed=0
failed=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# check NAME FOLDER EXPECTED [VARIABLE=VALUE...]: the lookup on FOLDER's etc/apt prints EXPECTED. EXPECTED
# "nothing" means it prints nothing, exits non-zero and says on one line how to set the variable.
check() {
  local name=$1 folder=$2 expected=$3 out rc got
  shift 3
  out=$(env -u ORCHESTRATOR_DEBIAN_MIRROR "$@" ORCHESTRATOR_APT_ROOT="$here/$folder" bash "$lookup" 2>"$err")
  rc=$?
  if [ "$expected" = nothing ]; then
    if [ $rc -ne 0 ] && [ -z "$out" ] && [ "$(wc -l <"$err")" -eq 1 ] \
        && grep -q '^setup: no Debian bookworm mirror found in .*; set ORCHESTRATOR_DEBIAN_MIRROR' "$err"; then
      got=nothing
    else
      got="exit $rc, output '$out', message '$(tr '\n' ' ' <"$err")'"
    fi
  elif [ $rc -eq 0 ]; then
    got=$out
  else
    got="exit $rc: $(tr '\n' ' ' <"$err")"
  fi
  if [ "$got" = "$expected" ]; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: expected $expected, got $got"
    failed=$((failed + 1))
  fi
}

check one-line one-line "$mirror"
check deb822 deb822 "$mirror"
check list-files-in-sources.list.d list-dir "$mirror"
check third-party-stanzas-first third-party-first "$mirror"
check enabled-no enabled-no "$mirror"
check deb-src deb-src "$mirror"
check comments comments "$mirror"
check options options "$mirror"
check several-uris-take-the-first several-uris "$mirror"
check continued-fields-lowercase-names continued-fields "$mirror"
check security-updates-backports-skipped security-updates "$mirror"
check sources.list-before-sources.list.d order "$mirror"
check sources.list.d-in-name-order order-in-dir "$mirror"
check nothing-found nothing nothing
check no-apt-configuration no-such-folder nothing
check variable-overrides one-line http://override.example.test/debian ORCHESTRATOR_DEBIAN_MIRROR=http://override.example.test/debian
check variable-when-nothing-found nothing http://override.example.test/debian ORCHESTRATOR_DEBIAN_MIRROR=http://override.example.test/debian
check empty-variable-ignored one-line "$mirror" ORCHESTRATOR_DEBIAN_MIRROR=

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
