#!/usr/bin/env bash
# Installs everything Stamper needs on a fresh Debian machine: the host's Debian
# packages (pipeline tools, QEMU, Chromium) and the npm packages. Safe to re-run:
# it skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-host-packages.sh
bash scripts/install-node.sh
. scripts/node-env.sh

# npm ci only when the lock file or Node changed since the last install (it rebuilds
# better-sqlite3 from source, which takes minutes on two cores).
stamp=node_modules/.stamper-lock.sha256
# The Node version is part of the stamp: a native addon built for another Node's ABI
# would not load.
want=$( (cat package-lock.json; node --version) | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "npm: installing packages from package-lock.json"
  # node-gyp builds against the running Node's own headers (never downloads them).
  if [ -n "${stamper_node_headers:-}" ]; then
    npm_config_nodedir="$stamper_node_headers" npm ci --no-audit --no-fund
  else
    npm ci --no-audit --no-fund
  fi
  echo "$want" > "$stamp"
else
  echo "npm: packages up to date"
fi
