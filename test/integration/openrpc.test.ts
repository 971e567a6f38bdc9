import { readFile } from 'node:fs/promises';
import { validateOpenRPCDocument } from '@open-rpc/schema-utils-js';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { bridgeArgv, repoRoot } from '../helpers/paths.js';

// Engine-free: what the running bridge says of itself, against what it does.
describe('rpc.discover', () => {
  const bridge = new BridgeClient();
  afterAll(() => bridge.close());

  it('answers a valid OpenRPC document that lists itself', async () => {
    const document = await bridge.call<{ methods: { name: string }[] }>('rpc.discover');
    expect(validateOpenRPCDocument(document as never)).toBe(true);
    expect(document.methods.map((method) => method.name)).toContain('rpc.discover');
  });

  it('matches the bridge method for method, both ways', async () => {
    const document = await bridge.call<{ methods: { name: string }[] }>('rpc.discover');
    const documented = document.methods.map((method) => method.name);
    // Each documented method exists: its params are checked (-32602), it is not unknown (-32601).
    for (const name of documented) {
      const answer = await bridge.request(name, { notAParam: 1 });
      expect({ name, code: answer.error?.code }).toEqual({ name, code: -32602 });
    }
    // The bridge's own list of its methods (in its -32601 answer) is the document's.
    const unknown = await bridge.request('NoSuchMethod');
    expect(unknown.error?.code).toBe(-32601);
    const listed = unknown.error?.message.split('Methods: ')[1]?.split(', ');
    expect(listed).toEqual(documented);
  });

  it('is what `bst-containers openrpc` prints and the build wrote to dist/openrpc.json', async () => {
    const served = await bridge.call('rpc.discover');
    const [file, args] = bridgeArgv('openrpc');
    const printed = await execa(file, args);
    expect(JSON.parse(printed.stdout)).toEqual(served);
    expect(JSON.parse(await readFile(`${repoRoot}dist/openrpc.json`, 'utf8'))).toEqual(served);
  });
});
