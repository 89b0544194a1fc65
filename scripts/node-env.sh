# Sourced by every script: puts the Node.js that scripts/install-node.sh chose first on
# PATH, and finds that Node's own headers (stamper_node_headers) so scripts/install.sh
# builds native addons (better-sqlite3) against them: node-gyp would otherwise try to
# download headers, and this machine reaches no such host.
stamper_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamper_runtime="${STAMPER_NODE_RUNTIME_DIR:-$stamper_root/.stamper/node-runtime}"
if [ -x "$stamper_runtime/bin/node" ]; then
  export PATH="$stamper_runtime/bin:$PATH"
fi
stamper_node_headers=""
if command -v node >/dev/null 2>&1; then
  stamper_node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  [ -f "$stamper_node_prefix/include/node/node.h" ] && stamper_node_headers="$stamper_node_prefix"
fi
