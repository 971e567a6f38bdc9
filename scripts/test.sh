#!/usr/bin/env bash
# The test command: sets up what is missing, then style, types, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Everything below runs on the pinned Node.js, whatever `node` the machine has.
source scripts/use-node.sh
npx biome check .
npx tsc --noEmit -p .
# The engine suites one after another: they share the registry, a port and two cores.
npx vitest run --project unit
# The single executables and the release zips, built first: their tests run what users download.
npm run dist
npx vitest run --project binaries
npx vitest run --project docker
npx vitest run --project podman
