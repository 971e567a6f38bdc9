import { spawn } from 'node:child_process';
import { bundlePath } from '../test/helpers/paths.js';
import { LeanClient } from './lean-client.js';
import { formatMs, measure, summarize } from './stats.js';

/** Spawn to the first answer (GetEngine, which finds Docker), over fresh processes. */
const coldStart = (args: string[]) =>
  measure(15, async () => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => {
      child.stdout.once('data', () => resolve());
      child.stdin.write('{"jsonrpc":"2.0","id":1,"method":"GetEngine"}\n');
    });
    child.stdin.end();
  });

/** The floor of any cold start here: a Node process that answers its first line, doing nothing. */
const ECHO_FIRST_LINE = 'process.stdin.once("data", (line) => process.stdout.write(line))';

/** A line through `cat` over the same two pipes: the floor of any round trip here. */
const pipeFloor = async () => {
  const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'] });
  let resolve: (() => void) | undefined;
  child.stdout.on('data', () => resolve?.());
  const once = () =>
    new Promise<void>((done) => {
      resolve = done;
      child.stdin.write('{"jsonrpc":"2.0","id":1,"result":{"engineName":"docker"}}\n');
    });
  await measure(2000, once);
  const summary = await measure(5000, once);
  child.stdin.end();
  return summary;
};

export const measureProtocol = async (): Promise<string[]> => {
  const cold = await coldStart([bundlePath]);
  const bareNode = await coldStart(['-e', ECHO_FIRST_LINE]);
  const floor = await pipeFloor();
  const client = new LeanClient();
  await measure(3000, () => client.call('GetEngine'));
  const samples: number[] = [];
  for (let index = 0; index < 5000; index++) {
    const started = process.hrtime.bigint();
    await client.call('GetEngine');
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const roundTrip = summarize(samples);
  const p99 = [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.99)] ?? Number.NaN;
  const throughputs: number[] = [];
  for (let round = 0; round < 3; round++) {
    const count = 50_000;
    const started = process.hrtime.bigint();
    await client.pipelined('GetEngine', count);
    throughputs.push(count / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  await client.close();
  return [
    '| Measure | Value |',
    '| --- | --- |',
    `| Cold start, spawn to first answer (GetEngine), median of ${cold.runs} | ${formatMs(cold.median)} ms (p95 ${formatMs(cold.p95)}) |`,
    `| The floor: bare \`node\` answering its first line, same measure | ${formatMs(bareNode.median)} ms (p95 ${formatMs(bareNode.p95)}) |`,
    `| Warm GetEngine round trip, p50 / p99 (5000) | ${formatMs(roundTrip.median)} / ${formatMs(p99)} ms |`,
    `| The same line through \`cat\` (two pipes, no work), p50 | ${formatMs(floor.median)} ms |`,
    `| Pipelined GetEngine, 50,000 per write, best of 3 | ${Math.max(...throughputs).toFixed(0)} requests/s |`,
  ];
};
