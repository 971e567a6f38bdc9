import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import {
  ENGINE,
  ENGINE_LOCATION,
  engineCliOk,
  imageIdOf,
  pushUniqueImage,
  removeImageQuietly,
} from '../../helpers/engine-cli.js';
import { MARGIN_MS, STALL_SECONDS } from '../../helpers/margins.js';
import { BASE_IMAGE } from '../../helpers/paths.js';
import { startRegistryProxy } from '../../helpers/registry-proxy.js';

const SERVING = { engineName: ENGINE, location: ENGINE_LOCATION };

describe('registry faults', () => {
  let bridge: BridgeClient;

  beforeAll(() => {
    bridge = new BridgeClient();
  });

  afterAll(async () => {
    await bridge.close();
  });

  it('a registry answering 500: a clear error for the manifest and for the pull, nothing left', async () => {
    const registry = await startRegistryProxy({ fault: 'manifest-500', port: 5002 });
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
    const registry = await startRegistryProxy({ fault: 'cut-blobs', port: 5002 });
    const reference = `${registry.host}/bst/fault-layer:1`;
    await removeImageQuietly(reference);
    try {
      const pull = await bridge.request('ImportImage', [reference]);
      expect(pull.error?.code).toBe(-32030);
      expect(await engineCliOk('image', 'inspect', reference)).toBe(false);
      expect(await bridge.call('GetEngine')).toEqual(SERVING);
    } finally {
      await registry.close();
    }
  });
});

describe('a registry that stops answering', () => {
  let bridge: BridgeClient;

  beforeAll(() => {
    bridge = new BridgeClient({ env: { BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS) } });
  });

  afterAll(async () => {
    await bridge.close();
  });

  it('one that never answers: the manifest and the pull fail clearly after the stall time', async () => {
    const registry = await startRegistryProxy({ fault: 'silent', port: 5002 });
    const reference = `${registry.host}/bst/busybox:1`;
    try {
      const started = performance.now();
      const manifest = await bridge.request('GetOnlineManifest', [reference]);
      expect(manifest.error).toMatchObject({
        code: -32030,
        message: expect.stringContaining(`no complete answer within ${STALL_SECONDS} s`),
      });
      const pull = await bridge.request('ImportImage', [reference]);
      expect(pull.error?.code).toBe(-32030);
      expect(pull.error?.message).toContain(`Could not pull ${reference}: the registry sent nothing for 2 s`);
      // Two stall periods and the engine's own round trips, not the engine's minutes.
      expect(performance.now() - started).toBeLessThan(2 * STALL_SECONDS * 1000 + MARGIN_MS);
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
      expect(pull.result).toEqual({ imageSha: await imageIdOf(reference) });
    } finally {
      await removeImageQuietly(reference);
    }
  });

  it('one that stalls in the middle of a blob: the pull fails clearly and leaves no image', async () => {
    await pushUniqueImage(BASE_IMAGE, 'localhost:5000/bst/stalled-layer:1');
    const proxy = await startRegistryProxy({ fault: 'stall-blobs', port: 5001 });
    const reference = `${proxy.host}/bst/stalled-layer:1`;
    try {
      const started = performance.now();
      const pull = await bridge.request('ImportImage', [reference]);
      expect(pull.error?.code).toBe(-32030);
      expect(pull.error?.message).toContain('the registry sent nothing for 2 s');
      expect(proxy.blobRequests()).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(STALL_SECONDS * 1000 + MARGIN_MS);
      expect(await engineCliOk('image', 'inspect', reference)).toBe(false);
      expect(await bridge.call('GetEngine')).toEqual(SERVING);
    } finally {
      await proxy.close();
    }
  });
});
