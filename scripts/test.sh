#!/usr/bin/env bash
# The test command: sets up what is missing, then style, types, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npx biome check .
npx tsc --noEmit -p .
npx vitest run
