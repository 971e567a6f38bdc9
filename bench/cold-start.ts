// Cold start: from spawning the bridge to its first answer, for this machine's single executable
// and for `node dist/bst-containers.js`, beside a bare `node -e 0` of the same Node. The three
// ways take turns, so that they share the machine's state.
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { binaryPath, bundlePath } from '../test/helpers/paths.js';
import { startSleepingContainer } from './sleeping-container.js';
import { formatMs, type Summary, summarize } from './stats.js';

const RUNS = 20;
const CONTAINER = 'bst_bench_cold';
const UNKNOWN = '{"jsonrpc":"2.0","id":1,"method":"NoSuchMethod"}\n';
const INSPECT = `{"jsonrpc":"2.0","id":1,"method":"GetContainerInfo","params":["${CONTAINER}"]}\n`;

/** Milliseconds from spawn to the first line on stdout; the process is then let go (stdin closed). */
const firstAnswer = (command: string, args: string[], line: string) =>
  new Promise<number>((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, BST_CONTAINERS_ENGINE: 'docker' },
    });
    child.on('error', reject);
    child.stdin.write(line);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.includes(10)) return;
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      child.stdin.end();
      child.on('exit', () => resolve(elapsed));
    });
  });

const untilExit = (command: string, args: string[]) =>
  new Promise<number>((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });

interface ColdStart {
  binaryUnknown: Summary;
  bundleUnknown: Summary;
  bareNode: Summary;
  binaryInspect: Summary;
  bundleInspect: Summary;
}

export const measureColdStart = async (): Promise<ColdStart> => {
  await startSleepingContainer('docker', CONTAINER);
  const rounds: Record<keyof ColdStart, number>[] = [];
  // One untimed round first: the page cache then holds all three programs.
  for (let round = -1; round < RUNS; round++) {
    const results = {
      binaryUnknown: await firstAnswer(binaryPath, [], UNKNOWN),
      bundleUnknown: await firstAnswer(process.execPath, [bundlePath], UNKNOWN),
      bareNode: await untilExit(process.execPath, ['-e', '0']),
      binaryInspect: await firstAnswer(binaryPath, [], INSPECT),
      bundleInspect: await firstAnswer(process.execPath, [bundlePath], INSPECT),
    };
    if (round >= 0) rounds.push(results);
  }
  await execa('docker', ['rm', '-f', CONTAINER], { reject: false });
  const over = (way: keyof ColdStart) => summarize(rounds.map((round) => round[way]));
  return {
    binaryUnknown: over('binaryUnknown'),
    bundleUnknown: over('bundleUnknown'),
    bareNode: over('bareNode'),
    binaryInspect: over('binaryInspect'),
    bundleInspect: over('bundleInspect'),
  };
};

const yes = (isMet: boolean) => (isMet ? 'yes' : '**no**');

export const coldStartReport = (result: ColdStart): string[] => {
  const unknownRatio = result.binaryUnknown.median / result.bundleUnknown.median;
  const bareRatio = result.binaryUnknown.median / result.bareNode.median;
  const inspectRatio = result.binaryInspect.median / result.bundleInspect.median;
  return [
    '## Cold start: the single executable and node with the bundle',
    '',
    `From spawning the bridge to its first answer (medians of ${RUNS}, the ways taking turns): an`,
    'unknown method, and a first GetContainerInfo on Docker (finding the engine included). Beside',
    `them, a bare \`node -e 0\` of the same Node ${process.versions.node} (to its exit). The binary is`,
    `\`${binaryPath.slice(binaryPath.lastIndexOf('/') + 1)}\` with V8's code cache.`,
    '',
    '| Answer | Single executable (ms) | node + bundle (ms) | Bare node -e 0 (ms) | Ratios | Target | Met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| Unknown method | ${formatMs(result.binaryUnknown.median)} | ${formatMs(result.bundleUnknown.median)} | ${formatMs(result.bareNode.median)} | ${unknownRatio.toFixed(2)}× the bundle, ${bareRatio.toFixed(2)}× bare node | ≤ 0.6× and ≤ 1.3× | ${yes(unknownRatio <= 0.6 && bareRatio <= 1.3)} |`,
    `| First GetContainerInfo | ${formatMs(result.binaryInspect.median)} | ${formatMs(result.bundleInspect.median)} | | ${inspectRatio.toFixed(2)}× the bundle | ≤ 0.75× | ${yes(inspectRatio <= 0.75)} |`,
    '',
  ];
};
