#!/usr/bin/env bash
# Installs everything, then runs every check: lint, types, unit and integration
# tests, the production build, the browser tests in Chromium, and the slow suite
# (real image builds booted in QEMU). Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh || exit 1
. scripts/node-env.sh || exit 1

reports=.stamper/test-reports
rm -rf "$reports" && mkdir -p "$reports"
# The slow suites share one cache of base filesystem trees, so only the first build is cold.
export STAMPER_CACHE_DIR="${STAMPER_CACHE_DIR:-/var/cache/stamper-test}"

failed_steps=()
step() {
  local name=$1; shift
  echo "::: $name"
  local started=$SECONDS
  if "$@"; then
    echo "::: $name passed in $((SECONDS - started)) s"
  else
    echo "::: $name FAILED in $((SECONDS - started)) s"
    failed_steps+=("$name")
  fi
}

step lint npm run lint
step format npm run format:check
step typecheck npm run typecheck
step unit npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/unit.json"
step build npm run build
# STAMPER_SLOW_E2E=1 adds the @slow browser tests: real pipeline builds behind the real server.
step e2e env STAMPER_SLOW_E2E=1 PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/e2e.json" npx playwright test --reporter=list,json
step slow npx vitest run --config vitest.slow.config.ts --reporter=default --reporter=json --outputFile.json="$reports/slow.json"

node scripts/summarize-test-reports.mjs "$reports" "${failed_steps[@]}"
