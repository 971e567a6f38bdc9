#!/usr/bin/env bash
# npm run bench: the same setup as the tests, then the benchmarks, on the pinned Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
source scripts/use-node.sh
exec tsx bench/run.ts "$@"
