import { describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';

const FAULT_MESSAGE =
  'The bst-containers bridge stopped on an internal fault (fault injected by BST_CONTAINERS_TEST_FAULT=engine-socket); it will be started again on the next call. Retry; if it happens again, send its log (stderr) to the developers.';

describe('a fault that nothing can catch', () => {
  it('answers every call in flight with -32603, writes the stack to stderr and exits non-zero', async () => {
    // The throw comes from the engine socket's data handler, as undici 7's parser assertion did.
    const bridge = new BridgeClient({ env: { BST_CONTAINERS_TEST_FAULT: 'engine-socket' } });
    const answers = await Promise.all([
      bridge.request('GetImages', []),
      bridge.request('GetContainerInfo', ['bst_fault']),
      bridge.request('ExecInContainer', ['bst_fault', 'true']),
    ]);
    for (const answer of answers) {
      expect(answer.error).toEqual({ code: -32603, message: FAULT_MESSAGE });
    }
    expect(await bridge.exited).toEqual({ code: 70, signal: null });
    expect(bridge.stderr).toContain(
      'bst-containers: internal fault: Error: fault injected by BST_CONTAINERS_TEST_FAULT=engine-socket\n    at Socket.',
    );
    expect(bridge.strayLines).toEqual([]);
  });
});
