#!/usr/bin/env bash
# Prints the Debian mirror scripts/build-images.sh makes its base image from: ORCHESTRATOR_DEBIAN_MIRROR
# when set, else the first URI of the first enabled `deb` entry for Debian's own suite (bookworm, component
# main) in apt's configuration, read in apt's order: /etc/apt/sources.list, then the files of
# /etc/apt/sources.list.d by name (one-line *.list entries and deb822 *.sources stanzas). deb-src entries,
# `Enabled: no` stanzas, comments and other suites (bookworm-security, bookworm-updates, ...) do not count.
# Finds nothing: says how to set the variable, on one line, and exits 1.
# ORCHESTRATOR_APT_ROOT=DIR reads DIR/etc/apt instead of /etc/apt (the tests' fixtures).
set -euo pipefail
export LC_ALL=C

suite=bookworm # the release the base image is made of

if [ -n "${ORCHESTRATOR_DEBIAN_MIRROR:-}" ]; then
  printf '%s\n' "$ORCHESTRATOR_DEBIAN_MIRROR"
  exit 0
fi

apt=${ORCHESTRATOR_APT_ROOT:-}/etc/apt
files=()
[ -f "$apt/sources.list" ] && files+=("$apt/sources.list")
for file in "$apt"/sources.list.d/*; do
  case ${file##*/} in
    *[!A-Za-z0-9_.-]*) ;; # apt ignores such names
    *.list | *.sources) [ -f "$file" ] && files+=("$file") ;;
  esac
done

mirror=
if [ ${#files[@]} -gt 0 ]; then
  mirror=$(awk -v suite="$suite" '
    function has(list, word,   n, w, i) {
      n = split(list, w)
      for (i = 1; i <= n; i++) if (w[i] == word) return 1
      return 0
    }
    # debootstrap fetches over http(s), ftp or from a directory; not through apt-only methods (mirror+, tor+, cdrom:).
    function usable(uri) { return uri ~ /^(https?|ftp|file):/ }
    function found(uri) { print uri; done = 1; exit }
    function oneline(line,   f, n, i) {
      sub(/#.*/, "", line)
      if (match(line, /\[[^]]*\]/)) line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
      n = split(line, f)
      if (n < 4 || f[1] != "deb" || f[3] != suite || !usable(f[2])) return
      for (i = 4; i <= n; i++) if (f[i] == "main") found(f[2])
    }
    # The deb822 stanza read so far (field names are case-insensitive).
    function stanza(   uris) {
      if (pending && has(field["types"], "deb") && has(field["suites"], suite) && has(field["components"], "main") \
          && tolower(field["enabled"]) !~ /^[ \t]*(no|false|off|disable|without|0)[ \t]*$/) {
        split(field["uris"], uris)
        if (usable(uris[1])) found(uris[1])
      }
      split("", field); name = ""; pending = 0
    }
    FNR == 1 { stanza(); deb822 = FILENAME ~ /\.sources$/ }
    !deb822 { oneline($0); next }
    /^#/ { next }
    /^[ \t]*$/ { stanza(); next }
    /^[ \t]/ { if (name != "") field[name] = field[name] " " $0; next }
    {
      name = tolower(substr($0, 1, index($0, ":") - 1))
      field[name] = substr($0, index($0, ":") + 1)
      pending = 1
    }
    END { if (!done) stanza() }
  ' "${files[@]}")
fi

if [ -z "$mirror" ]; then
  echo "setup: no Debian $suite mirror found in $apt/sources.list or $apt/sources.list.d; set ORCHESTRATOR_DEBIAN_MIRROR to your Debian mirror's URL (the URI of a 'deb' line for $suite main)" >&2
  exit 1
fi
printf '%s\n' "$mirror"
