#!/usr/bin/env bash
# Creates the unprivileged user that rootless builds run as, with a subordinate
# uid/gid range for its user namespace (65536 ids: the image's uid 0..65535).
# Idempotent: an existing user or range is left as it is. Then lets the namespace's
# root (the first subordinate uid) traverse the directories above this checkout that
# others may not enter (a clone under /root is the usual case): an ACL entry granting
# search (x) only, on just those directories, so builds can run the checkout's program.
set -euo pipefail

user="${STAMPER_BUILD_USER:-stamper-build}"
count=65536

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-build-user: run as root (creates $user and its /etc/subuid, /etc/subgid ranges)" >&2
  exit 1
fi

if ! getent passwd "$user" >/dev/null; then
  useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$user"
  echo "setup-build-user: created $user"
fi

# the next free range above every range already handed out (and above 100000)
next_start() {
  awk -F: -v min=100000 'BEGIN { n = min } { end = $2 + $3; if (end > n) n = end } END { print n }' "$1" 2>/dev/null || echo 100000
}

for file in /etc/subuid /etc/subgid; do
  touch "$file"
  if ! grep -q "^${user}:" "$file"; then
    start="$(next_start "$file")"
    echo "${user}:${start}:${count}" >>"$file"
    echo "setup-build-user: $file gives $user ${start}..$((start + count - 1))"
  fi
done

# STAMPER_CHECKOUT: the checkout the service runs from (default: the one holding this script)
checkout="$(cd "${STAMPER_CHECKOUT:-$(dirname "$0")/..}" && pwd)"
subuid="$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subuid)"
dir="$checkout"
while [ "$dir" != "/" ]; do
  dir="$(dirname "$dir")"
  # others may search it already: nothing to grant
  [ $(( $(stat -c '%#a' "$dir") & 1 )) -eq 1 ] && continue
  # read whole first: with pipefail, grep -q quitting early could fail getfacl with SIGPIPE
  acl="$(getfacl -cpn "$dir" 2>/dev/null || true)"
  if grep -q "^user:${subuid}:..x" <<<"$acl"; then continue; fi
  setfacl -m "u:${subuid}:x" "$dir"
  echo "setup-build-user: builds (uid ${subuid}) may search $dir, to reach $checkout"
done
