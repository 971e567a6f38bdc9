import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient, type RpcResponse } from '../../helpers/bridge-client.js';
import { useDaemonContainer } from '../../helpers/daemon-container.js';
import {
  ENGINE,
  engineCli,
  engineCliOk,
  imageIdOf,
  pushUniqueImage,
  removeContainer,
  removeImageQuietly,
} from '../../helpers/engine-cli.js';
import { type Cut, EngineProxy } from '../../helpers/engine-proxy.js';
import { MARGIN_MS, STALL_SECONDS } from '../../helpers/margins.js';
import { BASE_IMAGE, imageIdFile, UNIQUE_TARBALL } from '../../helpers/paths.js';

const SOCKET = ENGINE === 'podman' ? '/run/podman/podman.sock' : '/var/run/docker.sock';
const DAEMON = 'bst_streams';
const CHATTY = 'bst-test/chatty:1';
const CHATTY_LINES = 100_000;
const PULLED = 'localhost:5000/bst/streams-layer:1';

// The Engine API's own streams (exec output, followed logs, pull progress, an image upload) cut
// by the engine's side, FIN or RST, while the bridge reads slowly: its client does not read
// stdout, so output waits and the bridge stops reading the engine (its HTTP parser pauses).
describe(`${ENGINE} streams cut while the bridge reads slowly`, () => {
  let proxy: EngineProxy;
  let bridge: BridgeClient;
  useDaemonContainer(DAEMON);

  beforeAll(async () => {
    proxy = await EngineProxy.start(SOCKET);
    const hostVariable = ENGINE === 'podman' ? 'CONTAINER_HOST' : 'DOCKER_HOST';
    bridge = new BridgeClient({
      env: {
        [hostVariable]: proxy.host,
        BST_CONTAINERS_ENGINE: ENGINE,
        BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS),
      },
    });
    await removeContainer('bst_chatty-build');
    await engineCli('create', '--name', 'bst_chatty-build', BASE_IMAGE);
    await engineCli(
      'commit',
      '--change',
      `ENTRYPOINT ["sh","-c","i=0; while [ $i -lt ${CHATTY_LINES} ]; do echo \\"line $i of a chatty container\\"; i=$((i+1)); done"]`,
      'bst_chatty-build',
      CHATTY,
    );
    await removeContainer('bst_chatty-build');
    await pushUniqueImage(BASE_IMAGE, PULLED, 4 * 1024 * 1024);
  });

  afterAll(async () => {
    await bridge.close();
    await proxy.stop();
    await removeImageQuietly(CHATTY);
  });

  /**
   * Sends the call with stdout unread, cuts, then reads again: the answer must come within the
   * stall time and the margin, the bridge serve on, and write nothing to stderr.
   */
  const cutWhileSlow = async (cut: Cut, method: string, params: unknown): Promise<RpcResponse> => {
    const stdout = bridge.child.stdout as NodeJS.ReadableStream;
    stdout.pause();
    const fired = proxy.arm(cut);
    const answer = bridge.request(method, params);
    await fired;
    const cutAt = performance.now();
    stdout.resume();
    const response = await answer;
    expect(performance.now() - cutAt, JSON.stringify(response)).toBeLessThan(
      STALL_SECONDS * 1000 + MARGIN_MS,
    );
    // The bridge goes on serving, through the same proxy.
    expect(bridge.child.exitCode).toBeNull();
    const info = await bridge.call<{ containerInfo: { isRunning: boolean } }>('GetContainerInfo', [DAEMON]);
    expect(info.containerInfo.isRunning).toBe(true);
    expect(bridge.stderr).toBe('');
    return response;
  };

  for (const how of ['fin', 'rst'] as const) {
    it(`exec output cut by ${how.toUpperCase()}: a clear error, and the command is stopped in the container`, async () => {
      const response = await cutWhileSlow(
        { request: /^POST \S*\/exec\/[^/]+\/start/, direction: 'answer', afterBytes: 3 * 1024 * 1024, how },
        'ExecInContainer',
        { containerName: DAEMON, cmdStr: 'while :; do cat /bin/busybox; done', progressToken: `exec-${how}` },
      );
      expect(response.error).toMatchObject({
        code: -32002,
        message: expect.stringContaining('closed the output stream of the command'),
      });
      expect(await engineCli('exec', DAEMON, 'ps')).not.toContain('cat /bin/busybox');
    });

    it(`followed logs cut by ${how.toUpperCase()}: the run still answers all of its output`, async () => {
      await removeContainer('bst_chatty');
      const response = await cutWhileSlow(
        {
          request: /^GET \S*\/containers\/[^/]+\/logs\?follow/,
          direction: 'answer',
          afterBytes: 256 * 1024,
          how,
        },
        'RunContainer',
        { containerName: 'bst_chatty', imageSha: CHATTY, isDaemon: false, progressToken: `logs-${how}` },
      );
      expect(response.error).toBeUndefined();
      const lines = String(response.result?.cmdout).trimEnd().split('\n');
      expect(lines).toHaveLength(CHATTY_LINES);
      expect(lines.at(-1)).toBe(`line ${CHATTY_LINES - 1} of a chatty container`);
      expect(await engineCliOk('container', 'inspect', 'bst_chatty')).toBe(false);
    });

    it(`pull progress cut by ${how.toUpperCase()}: a clear error, no image`, async () => {
      await removeImageQuietly(PULLED);
      const response = await cutWhileSlow(
        { request: /^POST \S*\/images\/create/, direction: 'answer', afterBytes: 300, how },
        'ImportImage',
        { imageSource: PULLED, progressToken: `pull-${how}` },
      );
      expect(response.error?.code).toBe(-32002);
      expect(response.error?.message).toMatch(
        /^(Docker|Podman) is not answering at .*: it closed the connection/,
      );
      if (ENGINE === 'docker') {
        // Docker stops a pull whose client went away: nothing of it stays.
        expect(await engineCliOk('image', 'inspect', PULLED)).toBe(false);
      } else if (await engineCliOk('image', 'inspect', PULLED)) {
        // Podman finishes it regardless; what it stores is whole or nothing: the image runs.
        expect(await engineCli('run', '--rm', '--entrypoint', 'true', PULLED)).toBe('');
      }
    });

    it(`an image upload cut by ${how.toUpperCase()}: a clear error, no image`, async () => {
      const uniqueId = await readFile(imageIdFile(UNIQUE_TARBALL), 'utf8');
      await removeImageQuietly(uniqueId);
      const response = await cutWhileSlow(
        { request: /^POST \S*\/images\/load/, direction: 'upload', afterBytes: 1024 * 1024, how },
        'ImportImage',
        { imageSource: UNIQUE_TARBALL, progressToken: `load-${how}` },
      );
      expect(response.error?.code).toBe(-32002);
      expect(await engineCliOk('image', 'inspect', uniqueId)).toBe(false);
      expect(await imageIdOf(BASE_IMAGE)).toMatch(/^sha256:/);
    });
  }
});
