#!/usr/bin/env bash
# Checks the systemd files in packaging/ without installing anything:
#  - `systemd-analyze verify` has nothing to say about the three units (it needs the
#    ExecStart binary to exist, so the copies run the built one, and finds the man page
#    their Documentation= names through MANPATH);
#  - sgwatch.service and sgwatch-once.service run with the same user and sandbox;
#  - `systemd-analyze security` scores each service at most MAX_EXPOSURE, and the only
#    exposures it reports are the ones sgwatch needs (the network, ...);
#  - systemd-sysusers creates the user sgwatch from the sysusers.d file (into a temporary
#    root).
# Usage: verify_units.sh SGWATCH_BINARY
set -euo pipefail
# ASCII output from systemd-analyze: a failed check is a line starting with "- ".
export LC_ALL=C

# Measured with systemd 252: 1.1 for both services. One tenth of slack for another
# systemd's rounding; anything more is a setting lost.
readonly MAX_EXPOSURE=1.2
# What the sandbox deliberately leaves open: sgwatch calls AWS, Slack and SMTP servers
# anywhere (network, IP allow list), listens for SNS and metrics, talks to journald and
# the notify socket (AF_UNIX), runs in the host's root, may read the RTC (ProtectClock's
# device rule), and creates files its group may read (UMask=0027).
readonly ACCEPTED_EXPOSURES='^(RootDirectory=/RootImage=|RestrictAddressFamilies=~AF_UNIX|RestrictAddressFamilies=~AF_\(INET\|INET6\)|PrivateNetwork=|DeviceAllow=|IPAddressDeny=|UMask=)$'

fail() {
  echo "verify_units: $*" >&2
  exit 1
}

[ $# -eq 1 ] || fail "usage: verify_units.sh SGWATCH_BINARY"
binary=$(realpath "$1")
[ -x "$binary" ] || fail "no executable at $1"
packaging=$(cd "$(dirname "$0")/../../packaging" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

services=(sgwatch.service sgwatch-once.service)
units=("${services[@]}" sgwatch.timer)
mkdir -p "$tmp/units" "$tmp/man/man1"
for unit in "${units[@]}"; do
  sed "s#^ExecStart=/usr/bin/sgwatch #ExecStart=$binary #" \
    "$packaging/systemd/$unit" > "$tmp/units/$unit"
done
for service in "${services[@]}"; do
  grep -q "^ExecStart=$binary " "$tmp/units/$service" ||
    fail "$service: no ExecStart=/usr/bin/sgwatch ... to point at the built binary"
done
"$binary" man > "$tmp/man/man1/sgwatch.1" || fail "'sgwatch man' failed"

# Verify from inside the directory: the units find each other (Conflicts=, Unit=) there.
verify_output=$(cd "$tmp/units" &&
  MANPATH="$tmp/man" systemd-analyze verify "${units[@]/#/./}" 2>&1) ||
  fail "systemd-analyze verify failed: $verify_output"
[ -z "$verify_output" ] || fail "systemd-analyze verify had something to say: $verify_output"

# The lines that make the user, its directories and the sandbox, in order.
sandbox_lines() {
  grep -E '^(User|Group|UMask|StateDirectory|StateDirectoryMode|LogsDirectory|LogsDirectoryMode|ConfigurationDirectory|EnvironmentFile|Protect[A-Za-z]*|Private[A-Za-z]*|ProcSubset|NoNewPrivileges|Restrict[A-Za-z]*|RemoveIPC|LockPersonality|MemoryDenyWriteExecute|CapabilityBoundingSet|AmbientCapabilities|SystemCall[A-Za-z]*)=' "$1"
}
sandbox_lines "$packaging/systemd/sgwatch.service" > "$tmp/watch.sandbox"
sandbox_lines "$packaging/systemd/sgwatch-once.service" > "$tmp/once.sandbox"
[ "$(wc -l < "$tmp/watch.sandbox")" -ge 30 ] || fail "sgwatch.service lost its sandbox"
diff -u "$tmp/watch.sandbox" "$tmp/once.sandbox" >&2 ||
  fail "sgwatch-once.service does not run with sgwatch.service's user and sandbox"

threshold=$(awk -v max="$MAX_EXPOSURE" 'BEGIN { printf "%d", max * 10 + 0.5 }')
for service in "${services[@]}"; do
  report=$(systemd-analyze security --offline=true --no-pager "$tmp/units/$service" 2>&1) ||
    fail "systemd-analyze security failed on $service: $report"
  score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<< "$report")
  [ -n "$score" ] || fail "no exposure score for $service in: $report"
  echo "verify_units: $service exposure $score (at most $MAX_EXPOSURE)"
  systemd-analyze security --offline=true --no-pager --threshold="$threshold" \
    "$tmp/units/$service" > /dev/null 2>&1 ||
    fail "$service: exposure $score is above $MAX_EXPOSURE: $report"
  unexpected=$(grep '^- ' <<< "$report" | awk '{ print $2 }' | grep -Ev "$ACCEPTED_EXPOSURES" || true)
  [ -z "$unexpected" ] || fail "$service: exposures not accepted: $unexpected"
done

mkdir -p "$tmp/root/etc"
systemd-sysusers --root="$tmp/root" "$packaging/sysusers.d/sgwatch.conf" > /dev/null 2>&1 ||
  fail "systemd-sysusers rejected packaging/sysusers.d/sgwatch.conf"
grep -Eq '^sgwatch:x:[0-9]+:[0-9]+:[^:]*:/var/lib/sgwatch:/usr/sbin/nologin$' \
  "$tmp/root/etc/passwd" || fail "systemd-sysusers made no user sgwatch: $(cat "$tmp/root/etc/passwd")"
grep -Eq '^sgwatch:x:[0-9]+:$' "$tmp/root/etc/group" || fail "systemd-sysusers made no group sgwatch"

echo "verify_units: ok"
