#!/usr/bin/env bash
# Proves the README's Quick start on a truly fresh Debian: bootstraps a minimal Debian
# (12 "bookworm" or 13 "trixie") root with no Node.js in it, copies this checkout's
# committed files into it, and runs `bash scripts/start.sh` there as root, with only the
# workplace's own environment (its CA bundle and proxy settings) passed in. Passes when
# the web app answers on 127.0.0.1:$port. `--test` runs `bash scripts/test.sh` after it.
# Needs root and mmdebstrap; takes several minutes (it installs every package for real).
set -euo pipefail
release=${1:?usage: prove-fresh-debian.sh bookworm|trixie [--test]}
run_tests=${2:-}
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="/var/tmp/stamper-fresh-$release"
port=18080
mirror=$(awk '/^URIs:/ && !/security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / && !/security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "no Debian mirror in the host's apt configuration" >&2; exit 1; }

cleanup() {
  for m in dev/pts dev proc sys; do umount -l "$dir/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup
rm -rf "$dir"
echo "fresh: bootstrapping Debian $release (minbase) into $dir"
mmdebstrap --variant=minbase --include=ca-certificates "$release" "$dir" "$mirror"
if chroot "$dir" sh -c 'command -v node || command -v npm'; then echo "fresh: the new root has a Node.js" >&2; exit 1; fi

# What every machine of this workplace has: its DNS and its egress CA.
cp /etc/resolv.conf "$dir/etc/resolv.conf"
cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/" 2>/dev/null || true
chroot "$dir" update-ca-certificates >/dev/null
mkdir -p "$dir/root/stamper"
git -C "$root" archive HEAD | tar -x -C "$dir/root/stamper"
mount -t proc proc "$dir/proc"; mount --rbind /sys "$dir/sys"; mount --rbind /dev "$dir/dev"

pass_env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)
for name in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY; do
  [ -n "${!name:-}" ] && pass_env+=("$name=${!name}")
done
log="$dir/root/start.log"
started=$SECONDS
chroot "$dir" env -i "${pass_env[@]}" bash -c "cd /root/stamper && exec bash scripts/start.sh --port $port" > "$log" 2>&1 &
server=$!
until curl -fsS "http://127.0.0.1:$port/api/catalog" >/dev/null 2>&1; do
  if ! kill -0 "$server" 2>/dev/null; then tail -40 "$log"; echo "fresh: start.sh exited before serving" >&2; exit 1; fi
  sleep 5
done
echo "fresh: Debian $release serves the app after $((SECONDS - started)) s: $(chroot "$dir" /root/stamper/.stamper/node-runtime/bin/node --version 2>/dev/null || echo 'host node')"
grep -E '^(node|npm|host packages):' "$log" || true
pkill -TERM -f "server/main.ts serve --port $port" || true
wait "$server" 2>/dev/null || true
if [ "$run_tests" = "--test" ]; then
  chroot "$dir" env -i "${pass_env[@]}" bash -c 'cd /root/stamper && bash scripts/test.sh'
fi
