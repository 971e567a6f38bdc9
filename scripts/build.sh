#!/usr/bin/env bash
# The bundle, built by the pinned Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node.sh
exec node_modules/.bin/tsup "$@"
