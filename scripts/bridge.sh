#!/usr/bin/env bash
# Runs the built bridge on the pinned Node.js: `npm run doctor`, or `bash scripts/bridge.sh ARGS`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/use-node.sh"
exec node "$root/dist/bst-containers.js" "$@"
