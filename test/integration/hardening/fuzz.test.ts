import { describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const SEED = Number(process.env.BST_FUZZ_SEED ?? 20261125);
const LINES = 10_000;
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

type Expect = 'parse-error' | 'invalid-request' | 'answer' | 'none';
interface Case {
  line: Buffer;
  id?: number;
  expect: Expect;
}

/**
 * Lines of every kind a broken or hostile client could send. Requests are shaped never to
 * touch an engine: their params are always wrong, so each one must end in -32602 or -32601.
 */
const generate = (random: () => number): Case[] => {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
  const text = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
  const wrongValue = () =>
    pick<unknown>([42, -1.5, true, null, [], {}, [1, [2]], { a: { b: 1 } }, '', '--privileged', text(8)]);
  const cases: Case[] = [];
  for (let index = 0; index < LINES; index++) {
    const id = index + 1;
    switch (Math.floor(random() * 9)) {
      case 0:
        // Never blank (a blank line is skipped, not answered): a non-UTF-8 byte comes first.
        cases.push({
          line: Buffer.from(
            [
              0xff,
              ...Array.from({ length: Math.floor(random() * 60) }, () => Math.floor(random() * 256)),
            ].filter((b) => b !== 10),
          ),
          expect: 'parse-error',
        });
        break;
      case 1: {
        const json = JSON.stringify({
          jsonrpc: '2.0',
          id,
          method: pick(METHODS),
          params: { containerName: text(5) },
        });
        cases.push({
          line: Buffer.from(json.slice(0, Math.max(1, Math.floor(random() * (json.length - 1))))),
          expect: 'parse-error',
        });
        break;
      }
      case 2: {
        const depth = 1000 + Math.floor(random() * 5000);
        cases.push({
          line: Buffer.from(`${'['.repeat(depth)}${']'.repeat(random() < 0.5 ? depth : depth - 1)}`),
          // Deep nesting: a refused batch when whole, a parse error when cut.
          expect: 'parse-error',
        });
        break;
      }
      case 3:
        cases.push({
          line: Buffer.from(JSON.stringify({ jsonrpc: pick(['1.0', 2, null]), id, method: pick(METHODS) })),
          id,
          expect: 'invalid-request',
        });
        break;
      case 4:
        cases.push({
          line: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method: wrongValue() })),
          id,
          expect: 'invalid-request',
        });
        break;
      case 5: {
        const method = pick(METHODS.filter((m) => m !== 'GetEngine' && m !== 'GetImages'));
        cases.push({
          line: Buffer.from(
            JSON.stringify({
              jsonrpc: '2.0',
              id,
              method,
              params: {
                containerName: wrongValue(),
                imageSha: wrongValue(),
                imageSource: wrongValue(),
                cmdStr: wrongValue(),
              },
            }),
          ),
          id,
          expect: 'answer',
        });
        break;
      }
      case 6:
        cases.push({
          line: Buffer.from(
            JSON.stringify({
              jsonrpc: '2.0',
              id,
              method: pick(METHODS),
              params: { [text(6)]: wrongValue(), engine: 'rkt' },
            }),
          ),
          id,
          expect: 'answer',
        });
        break;
      case 7:
        cases.push({
          line: Buffer.from(
            JSON.stringify({ jsonrpc: '2.0', method: pick(METHODS), params: { containerName: text(3) } }),
          ),
          expect: 'none',
        });
        break;
      default:
        cases.push({
          line: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method: `${text(6)}`, params: {} })),
          id,
          expect: 'answer',
        });
    }
  }
  return cases;
};

describe(`protocol fuzzing (seed ${SEED}, replay with BST_FUZZ_SEED)`, () => {
  it(`answers ${LINES} generated lines as JSON-RPC 2.0 says, and keeps serving`, async () => {
    const cases = generate(seededRandom(SEED));
    const bridge = new BridgeClient();
    const answers = cases
      .filter((c) => c.id !== undefined && c.expect !== 'none')
      .map((c) => bridge.waitFor(c.id as number));
    for (const entry of cases) bridge.sendLine(entry.line);
    const responses = await Promise.all(answers);
    for (const response of responses) expect([-32600, -32601, -32602]).toContain(response.error?.code);
    const nullIdErrors = bridge.unmatched.filter((reply) => reply.id === null);
    const expectedNull = cases.filter(
      (c) => c.expect === 'parse-error' || (c.expect === 'invalid-request' && c.id === undefined),
    ).length;
    expect(nullIdErrors.length).toBe(expectedNull);
    for (const reply of nullIdErrors) expect([-32700, -32600]).toContain(reply.error?.code);
    expect(bridge.strayLines).toEqual([]);
    // Still correct afterwards.
    expect((await bridge.request('GetEngine')).result).toHaveProperty('engineName');
    await bridge.close();
  });
});
