#!/usr/bin/env bash
# The bundle, built by the pinned Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node.sh
node_modules/.bin/tsup "$@"
# The OpenRPC document beside the bundle, for tools that read a file rather than ask rpc.discover.
node dist/bst-containers.js openrpc > dist/openrpc.json
