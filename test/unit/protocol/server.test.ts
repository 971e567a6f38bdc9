import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Dispatcher } from '../../../src/protocol/dispatcher.js';
import { LineIntake } from '../../../src/protocol/line-intake.js';
import { startServer } from '../../../src/protocol/server.js';
import { createLogger } from '../../../src/shared/logger.js';
import { NdjsonReader } from '../../../src/transport/ndjson-reader.js';
import { NdjsonWriter } from '../../../src/transport/ndjson-writer.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const ANSWER_BYTES = 50_000;

/** A server whose one method answers a fresh 50 kB string: what it keeps of answers shows in the heap. */
const serve = () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const writer = new NdjsonWriter(output);
  const intake = new LineIntake((reply) => void writer.write(reply));
  const dispatcher: Dispatcher = {
    invoke: async (_name, params) => ({
      text: String((params as { n: number }).n).padEnd(ANSWER_BYTES, 'x'),
    }),
  };
  startServer({
    reader: new NdjsonReader(input, intake),
    writer,
    intake,
    dispatcher,
    log: createLogger(false),
  });
  let buffered = '';
  let answered = 0;
  let onAnswer = () => {};
  output.on('data', (chunk: Buffer) => {
    const lines = (buffered + chunk.toString()).split('\n');
    buffered = lines.pop() ?? '';
    answered += lines.length;
    onAnswer();
  });
  let id = 0;
  const calls = (count: number) =>
    new Promise<void>((resolve) => {
      const target = answered + count;
      onAnswer = () => answered >= target && resolve();
      for (let index = 0; index < count; index++)
        input.write(`{"jsonrpc":"2.0","id":${++id},"method":"Big","params":{"n":${id}}}\n`);
    });
  return { calls };
};

const heapMiB = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

describe('the server keeps nothing of a call once it is answered', () => {
  it('2,000 calls of 50 kB answers leave the heap where it was', async () => {
    const server = serve();
    await server.calls(2000);
    const before = heapMiB();
    await server.calls(2000);
    // Kept answers would be 2,000 x 50 kB = 95 MiB more.
    expect(heapMiB() - before).toBeLessThan(10);
    // 4,000 calls and two full collections: seconds when the two cores are busy with other suites.
  }, 60_000);
});
