#!/usr/bin/env bash
# npm run dist: the bundle, then single executables for every platform (dist/bin) and the
# Brainstorm users' zips (dist/release), all built by the pinned Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node.sh
[ -d node_modules ] || npm ci --silent
bash scripts/build.sh
exec node_modules/.bin/tsx release/build-binaries.ts
