import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const SEED = Number(process.env.BST_FUZZ_SEED ?? 20261125);
const LINES = 10_000;
const PEAK_RSS_BOUND_MIB = 200;
const METHODS = [
  'GetEngine',
  'GetImages',
  'ImportImage',
  'RunContainer',
  'ExecInContainer',
  'GetContainerInfo',
  'StopContainer',
  'RemoveImage',
  'GetOnlineManifest',
];

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;

interface Case {
  line: Buffer;
  /** The id it is answered under; none: under `null`. */
  id?: number;
  /** The error code it must be answered with; none: a notification, never answered. */
  code?: number;
}

/**
 * Lines of every kind a broken or hostile client could send, each with the one answer it must
 * get. Requests are shaped never to touch an engine: their params are always wrong.
 */
const generate = (random: () => number): Case[] => {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
  const text = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
  const wrongValue = () =>
    pick<unknown>([42, -1.5, true, null, [], {}, [1, [2]], { a: { b: 1 } }, '', '--privileged', text(8)]);
  const request = (id: number, method: unknown, params: unknown, code: number): Case => ({
    line: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method, params })),
    id,
    code,
  });
  const cases: Case[] = [];
  for (let index = 0; index < LINES; index++) {
    const id = index + 1;
    switch (Math.floor(random() * 10)) {
      case 0:
        // Never blank (a blank line is skipped, not answered): a non-UTF-8 byte comes first.
        cases.push({
          line: Buffer.from(
            [
              0xff,
              ...Array.from({ length: Math.floor(random() * 60) }, () => Math.floor(random() * 256)),
            ].filter((b) => b !== 10),
          ),
          code: PARSE_ERROR,
        });
        break;
      case 1: {
        // A request cut short: never valid JSON, so never read as one.
        const { line } = request(id, pick(METHODS), { containerName: text(5) }, PARSE_ERROR);
        cases.push({
          line: line.subarray(0, Math.max(1, Math.floor(random() * (line.length - 1)))),
          code: PARSE_ERROR,
        });
        break;
      }
      case 2: {
        const depth = 1000 + Math.floor(random() * 5000);
        const whole = random() < 0.5;
        cases.push({
          line: Buffer.from(`${'['.repeat(depth)}${']'.repeat(whole ? depth : depth - 1)}`),
          // Deep nesting: a refused batch when whole, a parse error when cut.
          code: whole ? INVALID_REQUEST : PARSE_ERROR,
        });
        break;
      }
      case 3:
        cases.push({
          line: Buffer.from(JSON.stringify({ jsonrpc: pick(['1.0', 2, null]), id, method: pick(METHODS) })),
          id,
          code: INVALID_REQUEST,
        });
        break;
      case 4: {
        const method = wrongValue();
        // A method that is not a non-empty string makes no request; any other is no method of ours.
        cases.push(
          request(
            id,
            method,
            undefined,
            typeof method === 'string' && method !== '' ? METHOD_NOT_FOUND : INVALID_REQUEST,
          ),
        );
        break;
      }
      case 5: {
        const method = pick(METHODS.filter((m) => m !== 'GetEngine' && m !== 'GetImages'));
        const params = {
          containerName: wrongValue(),
          imageSha: wrongValue(),
          imageSource: wrongValue(),
          cmdStr: wrongValue(),
        };
        cases.push(request(id, method, params, INVALID_PARAMS));
        break;
      }
      case 6:
        cases.push(request(id, pick(METHODS), { [text(6)]: wrongValue(), engine: 'rkt' }, INVALID_PARAMS));
        break;
      case 7:
        cases.push({
          line: Buffer.from(
            JSON.stringify({ jsonrpc: '2.0', method: pick(METHODS), params: { containerName: text(3) } }),
          ),
        });
        break;
      case 8:
        // Huge strings, within the line limit: 0.1 to 2 MB in one parameter.
        if (random() < 0.05) {
          const method = pick(METHODS);
          const name = pick(['containerName', 'imageSha', 'cmdStr', 'bogus']);
          const huge = 'x'.repeat(100_000 + Math.floor(random() * 1_900_000));
          cases.push(request(id, method, { [name]: huge, extra: 1 }, INVALID_PARAMS));
          break;
        }
        cases.push(request(id, text(6), {}, METHOD_NOT_FOUND));
        break;
      default:
        cases.push(request(id, text(6), {}, METHOD_NOT_FOUND));
    }
  }
  // A line of tens of MB, past the limit: refused without being held.
  cases.splice(Math.floor(random() * cases.length), 0, {
    line: Buffer.from(`"${'x'.repeat(70 * 1024 * 1024)}"`),
    code: INVALID_REQUEST,
  });
  return cases;
};

/** The most memory the process ever held (VmHWM), in MiB. */
const peakRssMiB = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

describe(`protocol fuzzing (seed ${SEED}, replay with BST_FUZZ_SEED)`, () => {
  it(`answers ${LINES} generated lines as JSON-RPC 2.0 says, and keeps serving`, async () => {
    const cases = generate(seededRandom(SEED));
    const bridge = new BridgeClient();
    const withId = cases.filter((c) => c.id !== undefined);
    const answers = withId.map((c) => bridge.waitFor(c.id as number));
    let totalBytes = 0;
    for (const entry of cases) {
      totalBytes += entry.line.length + 1;
      bridge.sendLine(entry.line);
    }
    const responses = await Promise.all(answers);
    expect(responses.map((response) => [response.id, response.error?.code])).toEqual(
      withId.map((c) => [c.id, c.code]),
    );
    // Lines that cannot be read are answered under id null, at once, in the order they came.
    expect(bridge.unmatched.map((reply) => [reply.id, reply.error?.code])).toEqual(
      cases.filter((c) => c.id === undefined && c.code !== undefined).map((c) => [null, c.code]),
    );
    // Still correct afterwards, and memory bounded: the 70 MB line was never held whole.
    expect((await bridge.request('GetEngine')).result).toEqual({
      engineName: 'docker',
      location: 'unix:///var/run/docker.sock',
    });
    const peak = peakRssMiB(bridge.child.pid as number);
    console.log(
      `fuzz: ${cases.length} lines, ${(totalBytes / 2 ** 20).toFixed(0)} MiB sent, bridge peak RSS ${peak.toFixed(0)} MiB`,
    );
    expect(peak).toBeLessThan(PEAK_RSS_BOUND_MIB);
    await bridge.close();
  });
});
