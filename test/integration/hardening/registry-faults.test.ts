import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { engineCliOk, pushUniqueImage, removeImageQuietly } from '../../helpers/engine-cli.js';
import { startFaultyRegistry } from '../../helpers/faulty-registry.js';
import { BASE_IMAGE } from '../../helpers/paths.js';
import { startStallingProxy } from '../../helpers/stalling-proxy.js';

describe('registry faults', () => {
  let bridge: BridgeClient;

  beforeAll(() => {
    bridge = new BridgeClient();
  });

  afterAll(async () => {
    await bridge.close();
  });

  it('a registry answering 500: a clear error for the manifest and for the pull, nothing left', async () => {
    const registry = await startFaultyRegistry('status-500', 5002);
    try {
      const manifest = await bridge.request('GetOnlineManifest', [`${registry.host}/bst/busybox:1`]);
      expect(manifest.error).toMatchObject({ code: -32030, message: expect.stringContaining('HTTP 500') });
      const pull = await bridge.request('ImportImage', [`${registry.host}/bst/busybox:1`]);
      expect(pull.error?.code).toBe(-32030);
      expect(pull.error?.message).toContain(`${registry.host}/bst/busybox:1`);
      expect(await engineCliOk('image', 'inspect', `${registry.host}/bst/busybox:1`)).toBe(false);
    } finally {
      await registry.close();
    }
  });

  it('a blob cut half-way: the pull fails clearly, leaves no image, and the bridge goes on', async () => {
    await pushUniqueImage(BASE_IMAGE, 'localhost:5000/bst/fault-layer:1');
    const registry = await startFaultyRegistry('cut-blob', 5002);
    const reference = `${registry.host}/bst/fault-layer:1`;
    await removeImageQuietly(reference);
    try {
      const pull = await bridge.request('ImportImage', [reference]);
      expect(pull.error?.code).toBe(-32030);
      expect(await engineCliOk('image', 'inspect', reference)).toBe(false);
      expect((await bridge.request('GetEngine')).result).toHaveProperty('engineName');
    } finally {
      await registry.close();
    }
  });
});

describe('a registry that stops answering', () => {
  const STALL_SECONDS = 2;
  let bridge: BridgeClient;

  beforeAll(() => {
    bridge = new BridgeClient({ env: { BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS) } });
  });

  afterAll(async () => {
    await bridge.close();
  });

  it('one that never answers: the manifest and the pull fail clearly after the stall time', async () => {
    const registry = await startFaultyRegistry('silent', 5002);
    const reference = `${registry.host}/bst/busybox:1`;
    try {
      const started = Date.now();
      const manifest = await bridge.request('GetOnlineManifest', [reference]);
      expect(manifest.error).toMatchObject({
        code: -32030,
        message: expect.stringContaining(`no complete answer within ${STALL_SECONDS} s`),
      });
      const pull = await bridge.request('ImportImage', [reference]);
      expect(pull.error?.code).toBe(-32030);
      expect(pull.error?.message).toContain(`Could not pull ${reference}: the registry sent nothing for 2 s`);
      // Two stall periods and the engine's own round trips, not the engine's minutes.
      expect(Date.now() - started).toBeLessThan(STALL_SECONDS * 2000 + 5000);
      expect(await engineCliOk('image', 'inspect', reference)).toBe(false);
    } finally {
      await registry.close();
    }
  });

  it('a big pull is not taken for a stall while the engine stores what it downloaded', async () => {
    // Podman stores a layer it downloaded for seconds without a word (~2.5 s for this one).
    const reference = 'localhost:5000/bst/big-layer:1';
    await pushUniqueImage(BASE_IMAGE, reference, 512 * 2 ** 20);
    try {
      const pull = await bridge.request('ImportImage', [reference]);
      expect(pull.error).toBeUndefined();
      expect(pull.result).toMatchObject({ imageSha: expect.stringMatching(/^sha256:/) });
    } finally {
      await removeImageQuietly(reference);
    }
  });

  it('one that stalls in the middle of a blob: the pull fails clearly and leaves no image', async () => {
    await pushUniqueImage(BASE_IMAGE, 'localhost:5000/bst/stalled-layer:1');
    const proxy = await startStallingProxy();
    const reference = `${proxy.host}/bst/stalled-layer:1`;
    try {
      const started = Date.now();
      const pull = await bridge.request('ImportImage', [reference]);
      expect(pull.error?.code).toBe(-32030);
      expect(pull.error?.message).toContain('the registry sent nothing for 2 s');
      expect(proxy.blobRequests()).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(STALL_SECONDS * 1000 + 8000);
      expect(await engineCliOk('image', 'inspect', reference)).toBe(false);
      expect((await bridge.request('GetEngine')).result).toHaveProperty('engineName');
    } finally {
      await proxy.close();
    }
  });
});
