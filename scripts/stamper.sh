#!/usr/bin/env bash
# `stamper` on the command line: runs server/main.ts with the project's Node and tsx.
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$here/scripts/node-env.sh"
exec node --import "$here/node_modules/tsx/dist/esm/index.mjs" "$here/server/main.ts" "$@"
