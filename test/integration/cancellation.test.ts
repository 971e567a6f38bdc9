import { readdir, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { useDaemonContainer } from '../helpers/daemon-container.js';
import { engineCli, engineCliOk, pushUniqueImage, removeImageQuietly } from '../helpers/engine-cli.js';
import { startFileServer } from '../helpers/file-server.js';
import { EXIT_WITHIN_MS, GIVE_UP_MS, MARGIN_MS } from '../helpers/margins.js';
import { BASE_IMAGE, callerTempDir, NESTED_IMAGE, NESTED_TARBALL } from '../helpers/paths.js';
import { startRegistryProxy } from '../helpers/registry-proxy.js';
import { waitUntil } from '../helpers/wait-until.js';

const CONTAINER = 'bst_cancel-test';
/** Processes inside the container whose command line holds `marker`. */
const processesWith = async (marker: string) =>
  (await engineCli('exec', CONTAINER, 'ps', '-o', 'pid,args'))
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes(' ps '));

describe('$/cancelRequest', () => {
  let bridge: BridgeClient;
  let tempRoot: string;
  useDaemonContainer(CONTAINER);

  beforeAll(async () => {
    tempRoot = await callerTempDir('bst-cancel-temp-');
    bridge = new BridgeClient({ env: { BST_CONTAINERS_TMPDIR: tempRoot } });
  });

  afterAll(async () => {
    await bridge.close();
    await rm(tempRoot, { recursive: true, force: true });
  });

  it('kills the exec and everything it started inside the container, answers -32800, and serves on', async () => {
    const answer = bridge.request(
      'ExecInContainer',
      {
        containerName: CONTAINER,
        cmdStr: 'echo started; sleep 301 & sleep 302; echo not-reached',
        progressToken: 'x',
      },
      'exec-1',
    );
    await waitUntil(() => bridge.notificationsFor('x', 'bst/output').length > 0, {
      timeoutMs: GIVE_UP_MS,
      what: 'the exec to print "started"',
    });
    expect((await processesWith('sleep 30')).filter((line) => /\d+ sleep 30[12]$/.test(line))).toHaveLength(
      2,
    );
    bridge.cancel('exec-1');
    const response = await answer;
    expect(response.error).toEqual({ code: -32800, message: 'Request cancelled' });
    expect(await processesWith('sleep 30')).toEqual([]);
    expect(bridge.notificationsFor('x', 'bst/output').map((n) => n.params.text)).toEqual(['started\n']);
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', [
      CONTAINER,
      'echo still here',
    ]);
    expect(cmdout).toBe('still here\n');
  });

  it('stops a download as it streams into the engine: no temp file, no image', async () => {
    await removeImageQuietly(NESTED_IMAGE);
    const server = await startFileServer({ 'image.tar': NESTED_TARBALL }, { stallAfterBytes: 200_000 });
    try {
      const answer = bridge.request(
        'ImportImage',
        { imageSource: server.url('image.tar'), progressToken: 'dl' },
        'dl-1',
      );
      await waitUntil(
        () =>
          bridge
            .notificationsFor('dl', '$/progress')
            .some((n) => (n.params.value as { bytes?: number }).bytes),
        { timeoutMs: GIVE_UP_MS, what: 'the download to report its first bytes' },
      );
      // Docker and Podman load the archive as it arrives: nothing is written to the temp folder.
      expect(await readdir(tempRoot)).toEqual([]);
      bridge.cancel('dl-1');
      expect((await answer).error?.code).toBe(-32800);
      expect(await readdir(tempRoot)).toEqual([]);
      expect(await engineCliOk('image', 'inspect', NESTED_IMAGE)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('stops a pull in the engine, leaving no image', async () => {
    await pushUniqueImage(BASE_IMAGE, 'localhost:5000/bst/unique-layer:1');
    const proxy = await startRegistryProxy({ fault: 'stall-blobs', port: 5001 });
    const reference = `${proxy.host}/bst/unique-layer:1`;
    await removeImageQuietly(reference);
    try {
      const answer = bridge.request('ImportImage', { imageSource: reference }, 'pull-1');
      await waitUntil(() => proxy.blobRequests() > 0, {
        timeoutMs: GIVE_UP_MS,
        what: 'the engine to ask for a blob',
      });
      bridge.cancel('pull-1');
      expect((await answer).error?.code).toBe(-32800);
      expect(await engineCliOk('image', 'inspect', reference)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('cancels work in flight when stdin closes, and exits within 1 s', async () => {
    const closing = new BridgeClient();
    const answer = closing.request('ExecInContainer', {
      containerName: CONTAINER,
      cmdStr: 'sleep 303',
      progressToken: 1,
    });
    await waitUntil(async () => (await processesWith('sleep 303')).length > 0, {
      timeoutMs: GIVE_UP_MS,
      what: 'sleep 303 to run in the container',
    });
    const started = performance.now();
    closing.child.stdin?.end();
    expect(await closing.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - started).toBeLessThan(EXIT_WITHIN_MS + MARGIN_MS);
    expect((await answer).error).toEqual({ code: -32800, message: 'Request cancelled' });
    expect(await processesWith('sleep 303')).toEqual([]);
  });
});
