#!/usr/bin/env bash
# npm run bench: the same setup as the tests, then the benchmarks, on the pinned Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
source scripts/use-node.sh
tsx bench/run.ts "$@"
# The tables as the formatter (biome check, in npm test) wants them.
biome format --write bench/results.md >/dev/null
