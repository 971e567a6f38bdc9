import { execa } from 'execa';
import { asUserCommand, BASE_IMAGE, userCopy, userNode } from '../test/helpers/paths.js';
import { dockerSshUrl, podmanSshUrl } from '../test/helpers/ssh-host.js';
import setUpTheUser from '../test/helpers/user-setup.js';
import { LeanClient } from './lean-client.js';
import { formatMs, measure, type Summary } from './stats.js';

const CONTAINER = 'bst_bench_remote';

/** As the test user: the SSH host lets it alone in, with its own key and known_hosts. */
const asUser = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const { file, args, env: fullEnv, cwd } = asUserCommand(argv, env);
  return execa(file, args, { env: fullEnv, extendEnv: false, cwd, reject: false });
};

const bridgeOn = (env: NodeJS.ProcessEnv) => {
  const {
    file,
    args,
    env: fullEnv,
    cwd,
  } = asUserCommand([userNode, `${userCopy}/dist/bst-containers.js`], env);
  return new LeanClient(fullEnv, { file, args, cwd });
};

/** Median GetContainerInfo through one bridge, after its first calls (which connect). */
const bridgeInspect = async (engine: 'docker' | 'podman', env: NodeJS.ProcessEnv, runs: number) => {
  const bridge = bridgeOn({ ...env, BST_CONTAINERS_ENGINE: engine });
  const inspect = async () => {
    const answer = await bridge.call('GetContainerInfo', [CONTAINER]);
    if (answer.error) throw new Error(`GetContainerInfo failed: ${JSON.stringify(answer.error)}`);
  };
  await measure(10, inspect);
  const summary = await measure(runs, inspect);
  await bridge.close();
  return summary;
};

/** The CLI's `inspect`, one process per call, as a user of the CLI pays it. */
const cliInspect = (engine: 'docker' | 'podman', env: NodeJS.ProcessEnv, runs: number) =>
  measure(runs, async () => {
    const { exitCode, stderr } = await asUser([engine, 'inspect', '--format', '{{.Id}}', CONTAINER], env);
    if (exitCode !== 0) throw new Error(`${engine} inspect failed: ${stderr}`);
  });

export interface RemoteRow {
  engine: string;
  way: string;
  summary: Summary;
}

/**
 * GetContainerInfo on a sleeping container: the bridge over SSH (the second host, scripts/
 * start-ssh-host.sh) beside the bridge on the local socket, and the CLI over SSH beside the CLI
 * on the local socket. As the test user, whose engines these are.
 */
export const measureRemote = async (runs: number): Promise<RemoteRow[]> => {
  await setUpTheUser();
  const rows: RemoteRow[] = [];
  for (const engine of ['docker', 'podman'] as const) {
    await asUser([engine, 'rm', '-f', CONTAINER]);
    const started = await asUser([
      engine,
      'run',
      '-d',
      '--init',
      '--name',
      CONTAINER,
      '--entrypoint',
      'sleep',
      BASE_IMAGE,
      'infinity',
    ]);
    if (started.exitCode !== 0) throw new Error(`${engine} run failed: ${started.stderr}`);
    const overSsh =
      engine === 'docker' ? { DOCKER_HOST: dockerSshUrl() } : { CONTAINER_HOST: podmanSshUrl() };
    rows.push({ engine, way: 'bridge, local socket', summary: await bridgeInspect(engine, {}, runs) });
    rows.push({ engine, way: 'bridge over SSH', summary: await bridgeInspect(engine, overSsh, runs) });
    // Podman 4.3's own ssh client adds unknown host keys to known_hosts without asking: not run.
    if (engine === 'docker') {
      rows.push({
        engine,
        way: 'CLI, local socket',
        summary: await cliInspect(engine, {}, Math.ceil(runs / 5)),
      });
      rows.push({
        engine,
        way: 'CLI over SSH',
        summary: await cliInspect(engine, overSsh, Math.ceil(runs / 5)),
      });
    }
    await asUser([engine, 'rm', '-f', CONTAINER]);
  }
  return rows;
};

const medianOf = (rows: RemoteRow[], engine: string, way: string) =>
  rows.find((row) => row.engine === engine && row.way === way)?.summary.median ?? Number.NaN;

export const remoteReport = (rows: RemoteRow[]): string[] => {
  const ratio = (engine: string) =>
    medianOf(rows, engine, 'bridge over SSH') / medianOf(rows, engine, 'bridge, local socket');
  const cliRatio = medianOf(rows, 'docker', 'CLI over SSH') / medianOf(rows, 'docker', 'CLI, local socket');
  const versusCli = medianOf(rows, 'docker', 'CLI over SSH') / medianOf(rows, 'docker', 'bridge over SSH');
  return [
    '## Remote engines over SSH',
    '',
    'GetContainerInfo on a running container, as the test user, the engine reached over SSH on the',
    "tests' second host (sshd in a network namespace of its own, scripts/start-ssh-host.sh) or on its",
    'local socket; the bridge after its first calls (which connect), the CLI one process per call.',
    '',
    '| Engine | Way | Median (ms) | p95 |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.engine} | ${row.way} | ${formatMs(row.summary.median)} | ${formatMs(row.summary.p95)} |`,
    ),
    '',
    `- Over SSH against the local socket, the bridge: Docker ${ratio('docker').toFixed(2)}×, Podman ${ratio('podman').toFixed(2)}× (target ≤ 3×: ${ratio('docker') <= 3 && ratio('podman') <= 3 ? 'met' : 'not met'}); the Docker CLI: ${cliRatio.toFixed(1)}×.`,
    `- The Docker CLI over SSH takes ${versusCli.toFixed(0)}× the bridge over SSH.`,
    '',
  ];
};
