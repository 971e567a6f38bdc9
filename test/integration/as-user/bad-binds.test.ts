import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, engineCliOk, removeContainer } from '../../helpers/engine-cli.js';
import { BASE_IMAGE, callerTempDir, giveToCaller } from '../../helpers/paths.js';

const CONTAINER = 'bst_bad-binds';

describe(`bind folders that are not plain, as the test user on ${ENGINE}`, () => {
  let bridge: BridgeClient;
  let root: string;

  beforeAll(async () => {
    root = await callerTempDir('bst-binds-');
    bridge = new BridgeClient();
  });

  beforeEach(async () => {
    await removeContainer(CONTAINER);
  });

  afterAll(async () => {
    await bridge.close();
    await removeContainer(CONTAINER);
    await rm(root, { recursive: true, force: true });
  });

  /** Stops the daemon the test started; nothing of it may be left. */
  const stop = async () => {
    await bridge.call('StopContainer', [CONTAINER, 1]);
    expect(await engineCliOk('container', 'inspect', CONTAINER)).toBe(false);
  };

  it('a folder the user cannot write: the command in the container is refused, with the reason', async () => {
    // Root's, as a shared folder the user may only read.
    const readOnly = join(root, 'roots');
    await mkdir(readOnly, { mode: 0o755 });
    await bridge.call('RunContainer', [CONTAINER, BASE_IMAGE, [[readOnly, '/data']], 1]);
    const response = await bridge.request('ExecInContainer', [CONTAINER, 'touch /data/written']);
    expect(response.error?.code).toBe(-32020);
    expect(response.error?.message).toMatch(/Permission denied/);
    expect(readdirSync(readOnly)).toEqual([]);
    await stop();
  });

  it('a missing folder the user cannot create: an error that names it and says why, no container left', async () => {
    const readOnly = join(root, 'roots-too');
    await mkdir(readOnly, { mode: 0o755 });
    const missing = join(readOnly, 'sub', 'folder');
    const response = await bridge.request('RunContainer', [CONTAINER, BASE_IMAGE, [[missing, '/data']], 1]);
    expect(response.error).toEqual({
      code: -32032,
      message: `The host folder ${missing} does not exist and cannot be created: your user may not write in the folder above it. Choose a folder your user can write, or create it first.`,
      data: { path: missing, code: 'EACCES' },
    });
    expect(await engineCliOk('container', 'inspect', CONTAINER)).toBe(false);
    expect(existsSync(join(readOnly, 'sub'))).toBe(false);
  });

  it('a host path under a file: an error that says so', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'text');
    await giveToCaller(file);
    const response = await bridge.request('RunContainer', [
      CONTAINER,
      BASE_IMAGE,
      [[join(file, 'sub'), '/data']],
      1,
    ]);
    expect(response.error?.code).toBe(-32032);
    expect(response.error?.message).toContain('a part of its path is a file');
    expect(await engineCliOk('container', 'inspect', CONTAINER)).toBe(false);
  });

  it('a host path that is a file: the file is bound, read and written through', async () => {
    const file = join(root, 'settings.txt');
    await writeFile(file, 'from host\n');
    await giveToCaller(file);
    await bridge.call('RunContainer', [CONTAINER, BASE_IMAGE, [[file, '/data/settings.txt']], 1]);
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', [
      CONTAINER,
      'cat /data/settings.txt && echo from container >> /data/settings.txt',
    ]);
    expect(cmdout).toBe('from host\n');
    expect(await readFile(file, 'utf8')).toBe('from host\nfrom container\n');
    await stop();
  });

  it('a host path with spaces through a symlink: writes land in the real folder, the path is kept as given', async () => {
    const real = join(root, 'real folder');
    await mkdir(real);
    const link = join(root, 'link to it');
    await symlink(real, link);
    await giveToCaller(real);
    const bind = join(link, 'with space');
    await bridge.call('RunContainer', [CONTAINER, BASE_IMAGE, [[bind, '/data']], 1]);
    await bridge.call('ExecInContainer', [CONTAINER, 'mkdir /data/nested && echo hi > /data/nested/file']);
    expect(await readFile(join(real, 'with space', 'nested', 'file'), 'utf8')).toBe('hi\n');
    const { containerInfo } = await bridge.call<{ containerInfo: { volumes: string[][] } }>(
      'GetContainerInfo',
      [CONTAINER],
    );
    expect(containerInfo.volumes).toEqual([[bind, '/data']]);
    await stop();
  });
});
