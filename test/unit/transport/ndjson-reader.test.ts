import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Message } from 'vscode-jsonrpc/lib/common/api.js';
import { NdjsonReader } from '../../../src/transport/ndjson-reader.js';

const messages = {
  line: (line: Buffer) => JSON.parse(line.toString()) as Message,
  oversize: () => {},
  skipsQueue: (message: Message) => (message as { method?: string }).method === '$/cancelRequest',
};
const request = (id: number) => `${JSON.stringify({ jsonrpc: '2.0', id, method: 'GetEngine' })}\n`;

describe('reading a flood', () => {
  it('pauses its input while 1,024 messages wait, and resumes as they are taken', async () => {
    const input = new PassThrough();
    const reader = new NdjsonReader(input, messages);
    const received: Message[] = [];
    reader.listen((message) => received.push(message));
    // Chunks of 1,000 lines, as a pipe would deliver them.
    for (let chunk = 0; chunk < 5; chunk++)
      input.write(Array.from({ length: 1000 }, (_, id) => request(chunk * 1000 + id)).join(''));
    await nextTurn();
    // The chunk being split is finished; no further chunk is read.
    const heldAtPause = received.length;
    expect(input.isPaused()).toBe(true);
    expect(heldAtPause).toBeGreaterThanOrEqual(1024);
    expect(heldAtPause).toBeLessThan(5000);
    input.write(request(9999));
    await nextTurn();
    expect(received.length).toBe(heldAtPause);
    for (const message of received.splice(0, heldAtPause - 400)) reader.taken(message);
    expect(input.isPaused()).toBe(false);
    await nextTurn();
    expect(received.length).toBeGreaterThan(400);
  });

  it('does not count messages that skip the queue (cancellations)', () => {
    const input = new PassThrough();
    const reader = new NdjsonReader(input, messages);
    reader.listen(() => {});
    const cancel = `${JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } })}\n`;
    input.write(cancel.repeat(3000));
    expect(input.isPaused()).toBe(false);
  });
});
