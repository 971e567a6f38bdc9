// The shim's part of npm run bench: one Octave session per engine, driven through its stdin.
// Quick calls next to their floor, Octave's CPU while a long call waits, and the time from
// Ctrl+C (SIGINT to Octave) to the $/cancelRequest reaching the bridge.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { BridgeClient } from '../test/helpers/bridge-client.js';
import { type OctaveSession, startOctaveSession } from '../test/helpers/octave.js';
import { bundlePath, repoRoot } from '../test/helpers/paths.js';
import { startSleepingContainer } from './sleeping-container.js';
import { formatMs, measure, type Summary, summarize } from './stats.js';

const CONTAINER = 'bst_bench_shim';
/** Octave and Node take turns, so that the floor is measured beside the shim, not minutes apart. */
const ROUNDS = 3;
const WAITS = 3;
const CTRL_C_RUNS = 10;

export interface ShimResult {
  engine: string;
  shim: Summary;
  java: Summary;
  node: Summary;
  seedRows: { call: string; way: string; summary: Summary }[];
  cpuWait: number[];
  cpuIdle: number[];
  ctrlC: Summary & { max: number };
}

/** Runs a command at Octave's prompt and gives what it printed. */
const step = async (session: OctaveSession, command: string, index: number) => {
  const after = session.output().length;
  session.send(`${command}; disp('bench-step-${index}')`);
  await session.waitFor(`bench-step-${index}`, after);
  return session.output().slice(after);
};

const samplesIn = (printed: string, name: string) =>
  [...printed.matchAll(new RegExp(`samples ${name}:(.*)$`, 'gm'))].flatMap((match) =>
    (match[1] as string).trim().split(/\s+/).map(Number),
  );

const cpuIn = (printed: string, name: string) => Number(new RegExp(`cpu ${name}: (\\S+)`).exec(printed)?.[1]);

export const measureShim = async (engine: 'docker' | 'podman', runs: number): Promise<ShimResult> => {
  await startSleepingContainer(engine, CONTAINER);
  const folder = await mkdtemp(join(tmpdir(), 'bst-bench-shim-'));
  const cancelLog = join(folder, 'cancels');
  const env = { BST_CONTAINERS_ENGINE: engine };
  const session = startOctaveSession({
    paths: ['bench/octave'],
    env: { ...env, BENCH_BRIDGE_BUNDLE: bundlePath, BENCH_CANCEL_LOG: cancelLog },
  });
  let steps = 0;
  const run = (command: string) => step(session, command, ++steps);

  const node = new BridgeClient({ env });
  await node.call('GetEngine');
  await measure(20, () => node.call('GetContainerInfo', [CONTAINER]));
  const shim: number[] = [];
  const java: number[] = [];
  const fromNode: number[] = [];
  const perRound = Math.ceil(runs / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const printed = await run(`bench_shim('quick', '${CONTAINER}', ${perRound}, '${engine}')`);
    shim.push(...samplesIn(printed, 'shim GetContainerInfo'));
    java.push(...samplesIn(printed, 'java line round trip'));
    for (let index = 0; index < perRound; index++) {
      const started = process.hrtime.bigint();
      await node.call('GetContainerInfo', [CONTAINER]);
      fromNode.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  await node.close();

  const seeds = await run(`bench_shim('seed', '${CONTAINER}', ${runs}, '${engine}')`);
  const seedRows = [
    ['ExecInContainer true', 'shim', 'shim ExecInContainer true'],
    ['GetContainerInfo', 'seed CLI sequence', 'seed GetContainerInfo'],
    ['ExecInContainer true', 'seed CLI sequence', 'seed ExecInContainer true'],
  ].map(([call, way, name]) => ({
    call: call as string,
    way: way as string,
    summary: summarize(samplesIn(seeds, name as string)),
  }));

  const cpuWait: number[] = [];
  const cpuIdle: number[] = [];
  for (let wait = 0; wait < WAITS; wait++) {
    const printed = await run(`bench_shim('wait', '${CONTAINER}', 0, '${engine}')`);
    cpuWait.push(cpuIn(printed, 'wait'));
    cpuIdle.push(cpuIn(printed, 'idle'));
  }

  // Ctrl+C through a stand-in bundle that notes when the $/cancelRequest arrives
  await run(`bst_containers('SetBridge', '${repoRoot}bench/cancel-proxy.ts')`);
  const sent: bigint[] = [];
  for (let index = 0; index < CTRL_C_RUNS; index++) {
    const after = session.output().length;
    session.send(`bst_containers('ExecInContainer', '${CONTAINER}', 'echo ctrl-c-${index}-now; sleep 30')`);
    await session.waitFor(`ctrl-c-${index}-now`, after);
    // Past the first short pauses, at a random point of a long one: the worst case is in there
    await delay(1000 + Math.random() * 500);
    sent.push(process.hrtime.bigint());
    session.interrupt();
  }
  await run(`bst_containers('SetBridge', '')`);
  await session.close();
  const arrived = (await readFile(cancelLog, 'utf8')).trim().split('\n').map(BigInt);
  if (arrived.length !== sent.length)
    throw new Error(`${sent.length} interrupts, but ${arrived.length} $/cancelRequest reached the bridge`);
  const reactions = arrived.map((time, index) => Number(time - (sent[index] as bigint)) / 1e6);
  await rm(folder, { recursive: true, force: true });
  await execa(engine, ['rm', '-f', CONTAINER], { reject: false });
  return {
    engine,
    shim: summarize(shim),
    java: summarize(java),
    node: summarize(fromNode),
    seedRows,
    cpuWait,
    cpuIdle,
    ctrlC: { ...summarize(reactions), max: Math.max(...reactions) },
  };
};

const median = (values: number[]) => summarize(values).median;
const yes = (isMet: boolean) => (isMet ? 'yes' : '**no**');

export const shimReport = (results: ShimResult[]): string[] => [
  '## Through the MATLAB shim, in GNU Octave',
  '',
  'GetContainerInfo through the shim, and its floor measured beside it (Octave and Node take',
  `turns, ${ROUNDS} rounds): a bare Java line round trip to \`cat\` in the same Octave (the same`,
  'BufferedReader and OutputStream), plus the same GetContainerInfo timed from Node over the',
  'bridge, both warm (300 calls first: Octave calls into Java get fast once the JVM has compiled',
  'its side). Target: a median of at most 1.0 ms, or within 0.3 ms of the floor.',
  '',
  '| Engine | Shim median (ms) | Shim p95 | Java round trip median | Node GetContainerInfo median | Floor | Shim − floor | Met |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((result) => {
    const floor = result.java.median + result.node.median;
    const over = result.shim.median - floor;
    return `| ${result.engine} | ${formatMs(result.shim.median)} | ${formatMs(result.shim.p95)} | ${formatMs(result.java.median)} | ${formatMs(result.node.median)} | ${formatMs(floor)} | ${over.toFixed(2)} | ${yes(result.shim.median <= 1 || over <= 0.3)} |`;
  }),
  '',
  '| Engine | Call | Way | Runs | Median (ms) | p95 (ms) |',
  '| --- | --- | --- | --- | --- | --- |',
  ...results.flatMap((result) =>
    result.seedRows.map(
      (row) =>
        `| ${result.engine} | ${row.call} | ${row.way} | ${row.summary.runs} | ${formatMs(row.summary.median)} | ${formatMs(row.summary.p95)} |`,
    ),
  ),
  '',
  "Waiting: Octave's CPU time (utime + stime of /proc/self/stat, all its threads, the JVM's",
  'included) over a 10 s ExecInContainer, then the same Octave blocked 10 s in Java (the floor',
  `of an idle Octave with its JVM); medians of ${WAITS}. The shim's share is the difference; target: at`,
  'most 0.5% of a core.',
  '',
  "| Engine | Octave while the shim waits (% of a core) | Octave idle | The shim's share | Met |",
  '| --- | --- | --- | --- | --- |',
  ...results.map((result) => {
    const share = median(result.cpuWait) - median(result.cpuIdle);
    return `| ${result.engine} | ${median(result.cpuWait).toFixed(2)} | ${median(result.cpuIdle).toFixed(2)} | ${share.toFixed(2)} | ${yes(share <= 0.5)} |`;
  }),
  '',
  `Ctrl+C: SIGINT sent to Octave at a random point 1 to 1.5 s into a long ExecInContainer, to the`,
  '$/cancelRequest reaching the bridge (a stand-in bundle, bench/cancel-proxy.ts, notes its',
  `arrival on the same monotonic clock), over ${CTRL_C_RUNS} interrupts. Target: within 100 ms.`,
  '',
  '| Engine | Median (ms) | p95 (ms) | Max (ms) | Met |',
  '| --- | --- | --- | --- | --- |',
  ...results.map(
    (result) =>
      `| ${result.engine} | ${formatMs(result.ctrlC.median)} | ${formatMs(result.ctrlC.p95)} | ${formatMs(result.ctrlC.max)} | ${yes(result.ctrlC.max <= 100)} |`,
  ),
  '',
];
