// Medians of the calls Brainstorm makes most, over the bridge and with the docker CLI, side by
// side on the same dockerd. Prints a Markdown table. Run with `npm run bench` after `npm run setup`.
import { execa } from 'execa';
import { BridgeClient } from '../test/helpers/bridge-client.js';
import { BASE_IMAGE, repoRoot } from '../test/helpers/paths.js';
import { formatMs, measure, type Summary } from './stats.js';

const CONTAINER = 'bst_bench';
const STOPPED = 'bst_bench_stop';
const docker = (...args: string[]) => execa('docker', args);
const quietly = (...args: string[]) => execa('docker', args, { reject: false });
/** The seed's `[status, out] = system(...)`: every call goes through a shell. */
const seedSystem = (command: string) => execa('sh', ['-c', command], { reject: false });

const rows: [string, string, Summary][] = [];
const record = (call: string, way: string, summary: Summary) => {
  rows.push([call, way, summary]);
  process.stderr.write(`${call} / ${way}: median ${formatMs(summary.median)} ms (${summary.runs} runs)\n`);
};

const printTable = () => {
  const lines = ['| Call | Way | Runs | Median (ms) | p95 (ms) |', '| --- | --- | --- | --- | --- |'];
  for (const [call, way, summary] of rows) {
    lines.push(
      `| ${call} | ${way} | ${summary.runs} | ${formatMs(summary.median)} | ${formatMs(summary.p95)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
};

/** The shim's own numbers come from bench/octave/bench_shim.m, in one Octave session. */
const benchShimInOctave = async (runs: number): Promise<string> => {
  const script = `addpath('${repoRoot}matlab'); addpath('${repoRoot}bench/octave'); bench_shim('${CONTAINER}', ${runs})`;
  const { stdout } = await execa('octave-cli', ['--no-gui', '--quiet', '--no-init-file', '--eval', script]);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');
};

const main = async () => {
  await quietly('rm', '-f', CONTAINER, STOPPED);
  const bridge = new BridgeClient();
  await bridge.call('GetEngine');
  await bridge.call('RunContainer', { containerName: CONTAINER, imageSha: BASE_IMAGE, isDaemon: true });
  const runs = Number(process.env.BENCH_RUNS ?? 100);
  const stopRuns = Number(process.env.BENCH_STOP_RUNS ?? 5);

  record(
    'GetContainerInfo',
    'bridge',
    await measure(runs, () => bridge.call('GetContainerInfo', [CONTAINER])),
  );
  record('GetContainerInfo', 'docker inspect', await measure(runs, () => docker('inspect', CONTAINER)));
  record(
    'GetContainerInfo',
    "seed's CLI sequence",
    await measure(Math.min(runs, 30), async () => {
      await seedSystem('which docker');
      await seedSystem('docker info');
      await seedSystem(`docker inspect ${CONTAINER} --format "{{.Name}}"`);
      await seedSystem(
        `docker inspect ${CONTAINER} --format "{{.State.Status}} # {{.HostConfig.Binds}} # {{.Image}}"`,
      );
    }),
  );

  record(
    'ExecInContainer `true`',
    'bridge',
    await measure(runs, () => bridge.call('ExecInContainer', [CONTAINER, 'true'])),
  );
  record(
    'ExecInContainer `true`',
    'docker exec',
    await measure(runs, () => docker('exec', CONTAINER, 'sh', '-c', 'true')),
  );

  const runDaemon = () =>
    bridge.call('RunContainer', { containerName: STOPPED, imageSha: BASE_IMAGE, isDaemon: true });
  record(
    'StopContainer graceful',
    'bridge',
    await measure(stopRuns, () => bridge.call('StopContainer', [STOPPED]), runDaemon),
  );
  record(
    'StopContainer graceful',
    'docker stop && docker rm (same container)',
    await measure(stopRuns, () => seedSystem(`docker stop ${STOPPED} && docker rm ${STOPPED}`), runDaemon),
  );
  record(
    'StopContainer graceful',
    "seed's container (sleep as PID 1) and CLI",
    await measure(
      Math.min(stopRuns, 3),
      () => seedSystem(`docker stop ${STOPPED} && docker rm ${STOPPED}`),
      () => docker('run', '-d', '--name', STOPPED, '--entrypoint', 'sleep', BASE_IMAGE, 'infinity'),
    ),
  );
  record(
    'StopContainer forced',
    'bridge',
    await measure(stopRuns, () => bridge.call('StopContainer', [STOPPED, 1]), runDaemon),
  );
  record(
    'StopContainer forced',
    'docker rm -f',
    await measure(stopRuns, () => docker('rm', '-f', STOPPED), runDaemon),
  );

  await bridge.close();
  const shimRows = await benchShimInOctave(runs);
  await quietly('rm', '-f', CONTAINER, STOPPED);
  printTable();
  process.stdout.write(
    `\nThrough the MATLAB shim, in GNU Octave:\n\n| Call | Way | Runs | Median (ms) | p95 (ms) |\n| --- | --- | --- | --- | --- |\n${shimRows}\n`,
  );
};

await main();
