#!/usr/bin/env bash
# Quick start: install everything, build the web app and serve Stamper on
# http://127.0.0.1:8080 with the embedded defaults (SQLite and artifacts in ./data).
# Set STAMPER_HOST / STAMPER_PORT / STAMPER_DATA_DIR / STAMPER_TOKEN to change that.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
. scripts/node-env.sh
npm run build
exec node --import tsx server/main.ts serve "$@"
