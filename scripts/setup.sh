#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root) for bst-containers: system packages, the pinned
# Node.js, npm dependencies, the bundle, and the engines the tests use. Safe to run again: each
# step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-packages.sh
bash scripts/test-user.sh
source scripts/use-node.sh
if [ ! -x node_modules/.bin/tsup ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
bash scripts/start-engines.sh
