import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import {
  ENGINE,
  ENGINE_LOCATION,
  engineCli,
  engineCliOk,
  exitCodesSince,
  imageIdOf,
  removeContainer,
  removeImageQuietly,
} from '../helpers/engine-cli.js';
import { BASE_IMAGE, callerTempDir, REGISTRY_IMAGE } from '../helpers/paths.js';

// Brainstorm's plugin lifecycle, call by call, as its plugin manager makes the calls, on the real dockerd.
const PLUGIN = 'lifecycle-test';
const TAG = `brainstorm_${PLUGIN}`;
const CONTAINER = `bst_${PLUGIN}`;

describe(`plugin lifecycle on ${ENGINE}`, () => {
  let bridge: BridgeClient;
  let hostDir: string;
  let imageSha: string;

  beforeAll(async () => {
    await removeContainer(CONTAINER);
    await removeImageQuietly(`${TAG}:latest`);
    await removeImageQuietly(REGISTRY_IMAGE);
    // Spaces, a colon and non-ASCII letters: the seed's text parse of Binds broke on these.
    hostDir = await callerTempDir('bst data: é ');
    bridge = new BridgeClient();
  });

  afterAll(async () => {
    await bridge.close();
    await removeContainer(CONTAINER);
    await rm(hostDir, { recursive: true, force: true });
  });

  it('finds the engine', async () => {
    expect(await bridge.call('GetEngine')).toEqual({ engineName: ENGINE, location: ENGINE_LOCATION });
  });

  it('installs: pulls from the registry and names the image brainstorm_<Name>', async () => {
    const result = await bridge.call<{ imageSha: string }>('ImportImage', {
      imageSource: REGISTRY_IMAGE,
      imageTag: TAG,
    });
    imageSha = result.imageSha;
    // The registry's image is the base image pushed there.
    expect(imageSha).toBe(await imageIdOf(BASE_IMAGE));
    expect(await imageIdOf(`${TAG}:latest`)).toBe(imageSha);
    // The call added the registry name, so it removed it again (the seed's rule).
    expect(await engineCliOk('image', 'inspect', REGISTRY_IMAGE)).toBe(false);
  });

  it('loads: the image is in GetImages as Brainstorm checks it', async () => {
    const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
    const row = imageList.find((entry) => entry[1] === imageSha && entry[0]?.startsWith(TAG));
    // Docker keeps a digest for the name it pulled only; Podman lists one for every name.
    expect(row?.slice(0, 2)).toEqual([`${TAG}:latest`, imageSha]);
    expect(row?.[2]).toMatch(ENGINE === 'docker' ? /^<none>$/ : /^sha256:[a-f0-9]{64}$/);
    for (const entry of imageList) expect(entry).toHaveLength(3);
  });

  it('loads: GetContainerInfo of a missing container is an error', async () => {
    const response = await bridge.request('GetContainerInfo', { containerName: CONTAINER });
    expect(response.error?.message).toBe(`No container named ${CONTAINER} exists.`);
  });

  it('loads: runs a daemon with the host folder on /data, without the image ENTRYPOINT', async () => {
    expect(await bridge.call('RunContainer', [CONTAINER, imageSha, [[hostDir, '/data']], 1])).toEqual({});
    const logs = await engineCli('logs', CONTAINER);
    expect(logs).not.toContain('entrypoint-ran');
  });

  it('GetContainerInfo gives the shape Brainstorm reads, paths whole', async () => {
    const { containerInfo } = await bridge.call<{ containerInfo: unknown }>('GetContainerInfo', {
      containerName: CONTAINER,
    });
    expect(containerInfo).toEqual({
      name: CONTAINER,
      isRunning: true,
      volumes: [[hostDir, '/data']],
      imageSha,
    });
  });

  it('works: ExecInContainer writes a file the host reads back, and answers the output', async () => {
    await writeFile(join(hostDir, 'input.txt'), 'from host\n');
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', {
      containerName: CONTAINER,
      cmdStr: 'cat /data/input.txt > /data/output.txt && echo written && echo to-stderr >&2',
    });
    expect(cmdout).toBe('written\nto-stderr\n');
    expect(await readFile(join(hostDir, 'output.txt'), 'utf8')).toBe('from host\n');
  });

  it('a failing command is an error with its exit code, even when it printed nothing', async () => {
    const silent = await bridge.request('ExecInContainer', [CONTAINER, 'exit 3']);
    expect(silent.error?.code).toBe(-32020);
    expect(silent.error?.message).toContain('exit code 3');
    expect(silent.error?.data).toEqual({ exitCode: 3, output: '' });
    const noisy = await bridge.request('ExecInContainer', [CONTAINER, 'echo boom >&2; false']);
    expect(noisy.error?.message).toContain('boom');
  });

  it('unloads: a graceful StopContainer ends the daemon by SIGTERM and removes it', async () => {
    const since = Math.floor(Date.now() / 1000);
    expect(await bridge.call('StopContainer', { containerName: CONTAINER })).toEqual({});
    expect(await engineCliOk('container', 'inspect', CONTAINER)).toBe(false);
    // 128 + SIGTERM. Had the daemon ignored it (`sleep` as PID 1 does), the engine would have
    // waited out the 10 s timeout and sent SIGKILL: 137.
    expect(await exitCodesSince(CONTAINER, since)).toEqual([143]);
  });

  it('unloads: a forced StopContainer removes a running one; a missing one is an error', async () => {
    await bridge.call('RunContainer', {
      containerName: CONTAINER,
      imageSha,
      volumes: [[hostDir, '/data']],
      isDaemon: true,
    });
    expect(await bridge.call('StopContainer', { containerName: CONTAINER, isForced: 1 })).toEqual({});
    expect(await engineCliOk('container', 'inspect', CONTAINER)).toBe(false);
    const missing = await bridge.request('StopContainer', { containerName: CONTAINER, isForced: true });
    expect(missing.error?.code).toBe(-32010);
  });

  it('uninstalls: RemoveImage by name', async () => {
    expect(await bridge.call('RemoveImage', [TAG, 1])).toEqual({});
    expect(await engineCliOk('image', 'inspect', `${TAG}:latest`)).toBe(false);
    const again = await bridge.request('RemoveImage', [TAG, 1]);
    expect(again.error?.code).toBe(-32011);
  });
});
