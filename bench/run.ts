// npm run bench: Brainstorm's calls over the bridge next to the seed's way (the same CLI
// processes the seed spawns), on Docker and on Podman in one run; then the protocol's own
// numbers, a 1 GiB URL import against curl, and the shim in Octave. Prints and writes
// bench/results.md. Speed is shown here, never asserted in tests. `npm run bench -- shim` runs
// only the shim's part and replaces its section of bench/results.md.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BridgeClient } from '../test/helpers/bridge-client.js';
import { startFileServer } from '../test/helpers/file-server.js';
import {
  BASE_IMAGE,
  NESTED_IMAGE,
  NESTED_TARBALL,
  REGISTRY_IMAGE,
  repoRoot,
  runtimeDir,
} from '../test/helpers/paths.js';
import { measureBigImport } from './big-import.js';
import { coldStartReport, measureColdStart } from './cold-start.js';
import { measureProtocol } from './protocol.js';
import { measureRemote, remoteReport } from './remote.js';
import { seedWay } from './seed-way.js';
import { measureShim, shimReport } from './shim.js';
import { formatMs, measure, type Summary } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const STOP_RUNS = Number(process.env.BENCH_STOP_RUNS ?? 3);
const CONTAINER = 'bst_bench';
const STOPPED = 'bst_bench_stop';

interface Row {
  engine: string;
  call: string;
  bridge: Summary;
  seed: Summary;
}

const quietly = (cli: string, ...args: string[]) => execa(cli, args, { reject: false });
/** One name at a time: Podman removes none of the names when one of them does not exist. */
const removeContainers = async (cli: string, ...names: string[]) => {
  for (const name of names) await quietly(cli, 'rm', '-f', name);
};

const benchEngine = async (engine: 'docker' | 'podman', hostDir: string, url: string): Promise<Row[]> => {
  const cli = engine;
  const seed = seedWay(cli);
  const rows: Row[] = [];
  const add = (call: string, bridge: Summary, seedSummary: Summary) => {
    rows.push({ engine, call, bridge, seed: seedSummary });
    process.stderr.write(
      `${engine} ${call}: ${formatMs(bridge.median)} ms vs ${formatMs(seedSummary.median)} ms\n`,
    );
  };
  const env = { BST_CONTAINERS_ENGINE: engine };
  await removeContainers(cli, CONTAINER, STOPPED);

  // The first GetEngine of a running bridge: finding the engine (the process start is the cold
  // start, measured on its own below).
  let fresh: BridgeClient | undefined;
  const firstEngine = await measure(
    Math.min(RUNS, 10),
    () => (fresh as BridgeClient).call('GetEngine'),
    async () => {
      fresh?.child.stdin?.end();
      fresh = new BridgeClient({ env });
      await fresh.request('NoSuchMethod');
    },
  );
  fresh?.child.stdin?.end();
  const bridge = new BridgeClient({ env });
  await bridge.call('GetEngine');
  add(
    'GetEngine (first, in a started bridge)',
    firstEngine,
    await measure(Math.min(RUNS, 10), seed.getEngine),
  );
  await measure(50, () => bridge.call('GetEngine'));
  add(
    'GetEngine (warm)',
    await measure(RUNS * 5, () => bridge.call('GetEngine')),
    await measure(RUNS, seed.getEngine),
  );
  add(
    'GetImages',
    await measure(RUNS * 5, () => bridge.call('GetImages')),
    await measure(RUNS, seed.getImages),
  );

  await bridge.call('RunContainer', {
    containerName: CONTAINER,
    imageSha: BASE_IMAGE,
    volumes: [[hostDir, '/data']],
    isDaemon: true,
  });
  await measure(20, () => bridge.call('GetContainerInfo', [CONTAINER]));
  add(
    'GetContainerInfo',
    await measure(RUNS * 5, () => bridge.call('GetContainerInfo', [CONTAINER])),
    await measure(RUNS, () => seed.getContainerInfo(CONTAINER)),
  );
  add(
    'ExecInContainer `true`',
    await measure(RUNS, () => bridge.call('ExecInContainer', [CONTAINER, 'true'])),
    await measure(RUNS, () => seed.exec(CONTAINER, 'true')),
  );

  const removeStopped = () => quietly(cli, 'rm', '-f', STOPPED);
  const daemonByBridge = () =>
    bridge.call('RunContainer', {
      containerName: STOPPED,
      imageSha: BASE_IMAGE,
      volumes: [[hostDir, '/data']],
      isDaemon: true,
    });
  const daemonBySeed = () => seed.runDaemon(STOPPED, BASE_IMAGE, hostDir);
  add(
    'RunContainer (daemon)',
    await measure(Math.min(RUNS, 10), daemonByBridge, removeStopped),
    await measure(Math.min(RUNS, 10), daemonBySeed, removeStopped),
  );
  await removeStopped();
  add(
    'StopContainer (graceful)',
    await measure(STOP_RUNS, () => bridge.call('StopContainer', [STOPPED]), daemonByBridge),
    await measure(STOP_RUNS, () => seed.stopGraceful(STOPPED), daemonBySeed),
  );
  add(
    'StopContainer (forced)',
    await measure(Math.min(RUNS, 10), () => bridge.call('StopContainer', [STOPPED, 1]), daemonByBridge),
    await measure(Math.min(RUNS, 10), () => seed.stopForced(STOPPED), daemonBySeed),
  );
  const tagRemovable = (index: number) => quietly(cli, 'tag', BASE_IMAGE, `bst-test/remove-me:${index}`);
  add(
    'RemoveImage',
    await measure(
      Math.min(RUNS, 10),
      (index) => bridge.call('RemoveImage', [`bst-test/remove-me:${index}`, 1]),
      tagRemovable,
    ),
    await measure(
      Math.min(RUNS, 10),
      (index) => seed.removeImage(`bst-test/remove-me:${index}`),
      tagRemovable,
    ),
  );
  const dropImported = () =>
    quietly(cli, 'rmi', '-f', 'brainstorm_bench:latest', REGISTRY_IMAGE, NESTED_IMAGE);
  add(
    'ImportImage (loopback registry)',
    await measure(
      Math.min(RUNS, 10),
      () => bridge.call('ImportImage', [REGISTRY_IMAGE, 'brainstorm_bench']),
      dropImported,
    ),
    await measure(
      Math.min(RUNS, 10),
      () => seed.importReference(REGISTRY_IMAGE, 'brainstorm_bench'),
      dropImported,
    ),
  );
  const downloaded = join(hostDir, 'download.tar');
  add(
    'ImportImage (URL)',
    await measure(
      Math.min(RUNS, 10),
      () => bridge.call('ImportImage', [url, 'brainstorm_bench']),
      dropImported,
    ),
    await measure(
      Math.min(RUNS, 10),
      () => seed.importUrl(url, downloaded, 'brainstorm_bench', NESTED_IMAGE),
      dropImported,
    ),
  );
  await dropImported();
  await bridge.close();
  await removeContainers(cli, CONTAINER, STOPPED);
  return rows;
};

const versions = async () => {
  const version = async (file: string, args: string[]) =>
    (await execa(file, args, { reject: false })).stdout.trim().split('\n')[0];
  return [
    `- Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${await version('uname', ['-sr'])}`,
    `- Node ${process.version}; Docker ${await version('docker', ['version', '--format', '{{.Server.Version}}'])}; Podman ${await version('podman', ['--version'])}; ${await version('octave-cli', ['--version'])}`,
    `- ${new Date().toISOString()}; ${RUNS} runs per call (${STOP_RUNS} for graceful stops), after warm-up`,
  ].join('\n');
};

const table = (rows: Row[]) => [
  '| Engine | Call | Bridge median (ms) | Bridge p95 | Seed way median (ms) | Seed p95 | Seed / bridge |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (row) =>
      `| ${row.engine} | ${row.call} | ${formatMs(row.bridge.median)} | ${formatMs(row.bridge.p95)} | ${formatMs(row.seed.median)} | ${formatMs(row.seed.p95)} | ${(row.seed.median / row.bridge.median).toFixed(1)}× |`,
  ),
];

const main = async () => {
  const hostDir = await mkdtemp(join(tmpdir(), 'bst-bench-'));
  const server = await startFileServer({ 'nested.tar': NESTED_TARBALL });
  const rows: Row[] = [];
  for (const engine of ['docker', 'podman'] as const)
    rows.push(...(await benchEngine(engine, hostDir, server.url('nested.tar'))));
  await server.close();
  const protocol = await measureProtocol();
  const big = [
    ...(await measureBigImport(`${runtimeDir}/bench`, 'docker')),
    '',
    ...(await measureBigImport(`${runtimeDir}/bench`, 'podman')),
  ];
  const coldStart = coldStartReport(await measureColdStart());
  const remote = remoteReport(await measureRemote(RUNS * 5));
  const shim = shimReport([await measureShim('docker', RUNS * 5), await measureShim('podman', RUNS * 5)]);
  await rm(hostDir, { recursive: true, force: true });
  const report = [
    '# bst-containers benchmark',
    '',
    await versions(),
    '',
    "## Brainstorm's calls: the bridge and the seed's way",
    '',
    "The seed's way is the exact sequence of CLI processes bst_containers.m spawns for the call",
    "(`which`, `info`, inspect, ...), each through a shell as MATLAB's system() does; on Podman the",
    'same sequence with the podman CLI. Ratios are medians from this one run.',
    '',
    ...table(rows),
    '',
    '## The protocol',
    '',
    ...protocol,
    '',
    '## 1 GiB image tarball from a loopback URL',
    '',
    ...big,
    '',
    ...coldStart,
    ...remote,
    ...shim,
  ].join('\n');
  await writeFile(`${repoRoot}bench/results.md`, report);
  process.stdout.write(report);
};

/**
 * One part only (`npm run bench -- shim`, `-- cold-start` or `-- remote`): its section of bench/results.md is
 * replaced, or added before the shim's (the last one).
 */
const mainPart = async (part: string) => {
  const lines =
    part === 'shim'
      ? shimReport([await measureShim('docker', RUNS * 5), await measureShim('podman', RUNS * 5)])
      : part === 'remote'
        ? remoteReport(await measureRemote(RUNS * 5))
        : coldStartReport(await measureColdStart());
  const section = [
    ...lines,
    `(This section: ${new Date().toISOString()}, \`npm run bench -- ${part}\`.)`,
    '',
    '',
  ].join('\n');
  const resultsPath = `${repoRoot}bench/results.md`;
  const previous = await readFile(resultsPath, 'utf8');
  const heading = lines[0] as string;
  let start = previous.indexOf(heading);
  // `end`: where the next section's heading starts (-1: this section is the last one)
  let end = start < 0 ? -1 : previous.indexOf('\n## ', start + heading.length);
  if (end >= 0) end += 1;
  if (start < 0) start = end = previous.indexOf('## Through the MATLAB shim');
  if (start < 0) start = end = previous.length;
  await writeFile(resultsPath, `${previous.slice(0, start)}${section}${end < 0 ? '' : previous.slice(end)}`);
  process.stdout.write(section);
};

const part = process.argv[2];
if (part !== undefined && part !== 'shim' && part !== 'cold-start' && part !== 'remote')
  throw new Error(`Unknown part ${part}: npm run bench [-- shim | -- cold-start | -- remote]`);
await (part === undefined ? main() : mainPart(part));
