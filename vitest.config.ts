import { defineConfig } from 'vitest/config';

const integration = {
  globalSetup: ['test/helpers/global-setup.ts'],
  // One real engine on two cores: files run one after another, tests inside in order.
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

// What every engine must pass; the rest is Docker's own (DOCKER_HOST discovery) or engine-free.
const onEveryEngine = [
  'test/integration/lifecycle.test.ts',
  'test/integration/import-image.test.ts',
  'test/integration/run-container.test.ts',
  'test/integration/run-container-gpu.test.ts',
  'test/integration/slurm-gpu.test.ts',
  'test/integration/cancellation.test.ts',
  'test/integration/concurrent-imports.test.ts',
  'test/integration/injection.test.ts',
  'test/integration/matlab-shim.test.ts',
  'test/integration/hardening/load.test.ts',
  'test/integration/hardening/parent-death.test.ts',
  'test/integration/hardening/registry-faults.test.ts',
  'test/integration/hardening/http-peers.test.ts',
  'test/integration/hardening/engine-streams.test.ts',
  'test/integration/hardening/temp-full.test.ts',
  'test/integration/hardening/prune.test.ts',
];

// The same suites against the single executable (BST_TEST_BRIDGE=binary), on Docker: the 10,000-line
// fuzz and the 20,000-call soak (load) are not repeated.
const againstTheBinary = [
  'test/integration/protocol.test.ts',
  'test/integration/lifecycle.test.ts',
  'test/integration/import-image.test.ts',
  'test/integration/run-container.test.ts',
  'test/integration/run-container-gpu.test.ts',
  'test/integration/slurm-gpu.test.ts',
  'test/integration/cancellation.test.ts',
  'test/integration/injection.test.ts',
  'test/integration/doctor.test.ts',
  'test/integration/openrpc.test.ts',
  'test/integration/python-client.test.ts',
  'test/integration/typescript-client.test.ts',
  'test/integration/call-command.test.ts',
  'test/integration/hardening/**/*.test.ts',
  // The system's CAs and proxies in the executable's embedded Node.
  'test/integration/network/proxies-and-certificates.test.ts',
];

// As the normal user scripts/test-user.sh creates (BST_TEST_USER=1), as Brainstorm's users run it: what is not
// about root itself. On rootful Docker through the `docker` group, and on the user's own rootless Podman.
const asTheUser = [
  'test/integration/lifecycle.test.ts',
  'test/integration/import-image.test.ts',
  'test/integration/run-container.test.ts',
  'test/integration/run-container-gpu.test.ts',
  'test/integration/slurm-gpu.test.ts',
  'test/integration/cancellation.test.ts',
  'test/integration/matlab-shim.test.ts',
  'test/integration/hardening/prune.test.ts',
  'test/integration/python-client.test.ts',
  'test/integration/typescript-client.test.ts',
  'test/integration/call-command.test.ts',
  'test/integration/as-user/**/*.test.ts',
  'test/integration/remote/private-mount.test.ts',
  // Registries behind logins, proxies, CAs and pull limits (scripts/start-network-peers.sh): new since the user.
  'test/integration/network/**/*.test.ts',
];

// Again as the normal user, with the bridge reaching dockerd over TCP with TLS (BST_TEST_REMOTE=tls:
// test/helpers/tls-setup.ts puts a TLS endpoint of the tests' own in front of it), and TLS's own faults.
const overTls = [
  'test/integration/lifecycle.test.ts',
  'test/integration/import-image.test.ts',
  'test/integration/run-container.test.ts',
  'test/integration/cancellation.test.ts',
  'test/integration/remote/tls.test.ts',
];

// Again as the normal user, with the bridge reaching the engine over SSH on the second host
// (BST_TEST_REMOTE=ssh: scripts/start-ssh-host.sh), in a mount namespace of its own so that what it
// would make locally can be told from the engine's side; and SSH's own faults. On both engines.
const overSsh = [
  'test/integration/lifecycle.test.ts',
  'test/integration/import-image.test.ts',
  'test/integration/run-container.test.ts',
  'test/integration/cancellation.test.ts',
  'test/integration/remote/ssh.test.ts',
  'test/integration/remote/ssh-faults.test.ts',
  'test/integration/remote/ssh-endpoints.test.ts',
];
const sshSetup = [...integration.globalSetup, 'test/helpers/user-setup.ts', 'test/helpers/ssh-setup.ts'];

// On the tests' own one-node Slurm cluster (test/helpers/slurm-setup.ts starts it, and stops it
// afterwards), as the test user, whose jobs run the bridge.
const onSlurm = ['test/integration/slurm/**/*.test.ts'];
const onSlurmPerEngine = [
  'test/integration/slurm/srun.test.ts',
  'test/integration/slurm/job-end.test.ts',
  'test/integration/slurm/job-prune.test.ts',
];
const slurmSetup = [...integration.globalSetup, 'test/helpers/user-setup.ts', 'test/helpers/slurm-setup.ts'];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'binaries',
          include: ['test/integration/binaries/**/*.test.ts'],
          // Emulated processes on two cores: one at a time, and Wine's first start makes its prefix.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'docker',
          include: ['test/integration/**/*.test.ts'],
          exclude: [
            'test/integration/podman/**',
            'test/integration/binaries/**',
            'test/integration/as-user/**',
            // Remote engines need their endpoints' setup, Slurm its cluster: they run in their own projects.
            'test/integration/remote/**',
            // New since the test user: as it (docker-user, podman-user).
            'test/integration/network/**',
            'test/integration/slurm/**',
            // Clients are new since the test user: they run as it (docker-user), and as root against the binary.
            'test/integration/python-client.test.ts',
            'test/integration/typescript-client.test.ts',
            'test/integration/call-command.test.ts',
          ],
          ...integration,
        },
      },
      {
        test: {
          name: 'docker-binary',
          include: againstTheBinary,
          exclude: ['test/integration/hardening/fuzz.test.ts', 'test/integration/hardening/load.test.ts'],
          env: { BST_TEST_BRIDGE: 'binary' },
          ...integration,
        },
      },
      {
        test: {
          name: 'podman',
          include: [...onEveryEngine, 'test/integration/podman/**/*.test.ts'],
          env: { BST_TEST_ENGINE: 'podman', BST_CONTAINERS_ENGINE: 'podman' },
          ...integration,
        },
      },
      {
        test: {
          name: 'docker-user',
          include: asTheUser,
          env: { BST_TEST_USER: '1' },
          ...integration,
          globalSetup: [...integration.globalSetup, 'test/helpers/user-setup.ts'],
        },
      },
      {
        test: {
          name: 'docker-tls',
          include: overTls,
          env: { BST_TEST_USER: '1', BST_TEST_REMOTE: 'tls' },
          ...integration,
          globalSetup: [
            ...integration.globalSetup,
            'test/helpers/user-setup.ts',
            'test/helpers/tls-setup.ts',
          ],
        },
      },
      {
        test: {
          name: 'docker-ssh',
          include: overSsh,
          env: { BST_TEST_USER: '1', BST_TEST_REMOTE: 'ssh' },
          ...integration,
          globalSetup: sshSetup,
        },
      },
      {
        test: {
          name: 'podman-ssh',
          include: overSsh,
          env: {
            BST_TEST_USER: '1',
            BST_TEST_REMOTE: 'ssh',
            BST_TEST_ENGINE: 'podman',
            BST_CONTAINERS_ENGINE: 'podman',
          },
          ...integration,
          globalSetup: sshSetup,
        },
      },
      {
        test: {
          name: 'slurm',
          include: onSlurm,
          env: { BST_TEST_USER: '1' },
          ...integration,
          globalSetup: slurmSetup,
        },
      },
      {
        test: {
          // The suites of one engine again on Podman (the cluster's own and the job array's, which
          // covers both engines, once is enough).
          name: 'slurm-podman',
          include: onSlurmPerEngine,
          env: { BST_TEST_USER: '1', BST_TEST_ENGINE: 'podman', BST_CONTAINERS_ENGINE: 'podman' },
          ...integration,
          globalSetup: slurmSetup,
        },
      },
      {
        test: {
          name: 'podman-user',
          include: [...asTheUser, 'test/integration/podman/connections.test.ts'],
          env: { BST_TEST_USER: '1', BST_TEST_ENGINE: 'podman', BST_CONTAINERS_ENGINE: 'podman' },
          ...integration,
          globalSetup: [...integration.globalSetup, 'test/helpers/user-setup.ts'],
        },
      },
    ],
  },
});
