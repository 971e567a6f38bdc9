#!/usr/bin/env bash
# The test command: sets up what is missing, then style, types, the single executables, unit,
# foreign-binary and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Everything below runs on the pinned Node.js, whatever `node` the machine has.
source scripts/use-node.sh
npx biome check .
npx tsc --noEmit -p .
# The single executables (dist/bin) and the release zips (dist/release) that the binaries, shim
# and docker-binary runs use; Node's package for each platform is cached in .node-dist/.
npm run dist
# The engine suites one after another: they share the registry, a port and two cores.
npx vitest run --project unit
npx vitest run --project binaries
npx vitest run --project docker
npx vitest run --project podman
# The suites that are not about root, again as the normal test user (scripts/test-user.sh): on rootful
# Docker through the `docker` group (then over TCP with TLS), and on the user's own rootless Podman.
npx vitest run --project docker-user
npx vitest run --project docker-tls
npx vitest run --project podman-user
# Over SSH to the tests' second host (scripts/start-ssh-host.sh), as the test user, on both engines.
npx vitest run --project docker-ssh
npx vitest run --project podman-ssh
# Through srun on a one-node Slurm cluster of the tests' own (scripts/slurm.sh), started and stopped by the project.
npx vitest run --project slurm
npx vitest run --project slurm-podman
# The suites once more against this machine's single executable, on Docker.
npx vitest run --project docker-binary
