import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { ENGINE, ENGINE_LOCATION, engineCli, engineCliOk, removeContainer } from '../helpers/engine-cli.js';
import { BASE_IMAGE, callerTempDir, giveToCaller } from '../helpers/paths.js';
import { REMOTE_ENGINE } from '../helpers/remote-engine.js';

const FAILING_IMAGE = 'bst-test/failing:1';
/** Over SSH the bridge has its own view of the files: binds name the engine's machine's folders. */
const ON_ANOTHER_MACHINE = REMOTE_ENGINE?.privateFolder !== undefined;

describe(`RunContainer details on ${ENGINE}`, () => {
  let bridge: BridgeClient;
  let hostRoot: string;

  beforeAll(async () => {
    hostRoot = await callerTempDir('bst-run-');
    bridge = new BridgeClient();
  });

  afterAll(async () => {
    await bridge.close();
    await rm(hostRoot, { recursive: true, force: true });
  });

  it('a non-daemon run executes the ENTRYPOINT with the arguments, answers its output and removes itself', async () => {
    const { cmdout } = await bridge.call<{ cmdout: string }>('RunContainer', {
      containerName: 'bst_run-once',
      imageSha: BASE_IMAGE,
      containerArgs: `first 'two words' "it's"`,
      progressToken: 'run',
    });
    expect(cmdout).toBe("entrypoint-ran first two words it's\n");
    expect(await engineCliOk('container', 'inspect', 'bst_run-once')).toBe(false);
    expect(
      bridge
        .notificationsFor('run', 'bst/output')
        .map((n) => n.params.text)
        .join(''),
    ).toBe(cmdout);
  });

  it('arguments reach the entrypoint as data, never as code', async () => {
    const response = await bridge.request('RunContainer', {
      containerName: 'bst_run-args',
      imageSha: BASE_IMAGE,
      containerArgs: ['; exit 4', '$(id)'],
    });
    expect(response.result).toEqual({ cmdout: 'entrypoint-ran ; exit 4 $(id)\n' });
  });

  it('a non-daemon run that fails is an error with its exit code and output, and is removed too', async () => {
    await removeContainer('bst_run-fails');
    await engineCli('create', '--name', 'bst_run-fails', BASE_IMAGE);
    await engineCli(
      'commit',
      '--change',
      'ENTRYPOINT ["sh","-c","echo failing; exit 4"]',
      'bst_run-fails',
      FAILING_IMAGE,
    );
    await removeContainer('bst_run-fails');
    const response = await bridge.request('RunContainer', ['bst_run-fails', FAILING_IMAGE]);
    expect(response.error?.code).toBe(-32020);
    expect(response.error?.message).toBe('Container bst_run-fails exited with code 4: failing');
    expect(await engineCliOk('container', 'inspect', 'bst_run-fails')).toBe(false);
  });

  it(`a missing host folder: ${
    ON_ANOTHER_MACHINE && ENGINE === 'docker'
      ? "the engine's machine has none, a -32032 that names it, and none is made"
      : // Podman's compat API makes it on its machine, as the bridge does on this one.
        'created, as `docker run -v` did for the seed'
  }`, async () => {
    const missing = join(hostRoot, 'not', 'yet');
    const response = await bridge.request('RunContainer', {
      containerName: 'bst_run-mkdir',
      imageSha: BASE_IMAGE,
      volumes: [missing, '/data'],
    });
    if (ON_ANOTHER_MACHINE && ENGINE === 'docker') {
      expect(response.error?.code).toBe(-32032);
      expect(response.error?.message).toContain(`${missing} does not exist on ${ENGINE_LOCATION}`);
      expect(existsSync(join(hostRoot, 'not'))).toBe(false);
      await removeContainer('bst_run-mkdir');
    } else {
      expect(response.result).toEqual({ cmdout: 'entrypoint-ran\n' });
      expect(existsSync(missing)).toBe(true);
    }
  });

  it('several volumes, in order, with paths holding spaces and colons', async () => {
    const first = join(hostRoot, 'a b');
    const second = join(hostRoot, 'c:d');
    for (const folder of [first, second]) await mkdir(folder);
    await giveToCaller(hostRoot);
    await removeContainer('bst_run-volumes');
    await bridge.call('RunContainer', [
      'bst_run-volumes',
      BASE_IMAGE,
      [
        [first, '/in'],
        [second, '/out dir'],
      ],
      true,
    ]);
    try {
      const { containerInfo } = await bridge.call<{ containerInfo: { volumes: string[][] } }>(
        'GetContainerInfo',
        ['bst_run-volumes'],
      );
      expect(containerInfo.volumes).toEqual([
        [first, '/in'],
        [second, '/out dir'],
      ]);
    } finally {
      await removeContainer('bst_run-volumes');
    }
  });

  it('GetContainerInfo reads -v binds of containers made by other tools, and stopped ones', async () => {
    await removeContainer('bst_run-cli');
    await engineCli('create', '--name', 'bst_run-cli', '-v', `${hostRoot}:/data:ro`, BASE_IMAGE);
    try {
      const { containerInfo } = await bridge.call<{ containerInfo: unknown }>('GetContainerInfo', [
        'bst_run-cli',
      ]);
      expect(containerInfo).toMatchObject({
        name: 'bst_run-cli',
        isRunning: false,
        volumes: [[hostRoot, '/data']],
      });
    } finally {
      await removeContainer('bst_run-cli');
    }
  });

  it('a name in use is a clear error that says how to fix it', async () => {
    await removeContainer('bst_run-twice');
    await bridge.call('RunContainer', ['bst_run-twice', BASE_IMAGE, [], 1]);
    try {
      const response = await bridge.request('RunContainer', ['bst_run-twice', BASE_IMAGE, [], 1]);
      expect(response.error?.code).toBe(-32012);
      expect(response.error?.message).toContain("StopContainer('bst_run-twice', 1)");
    } finally {
      await removeContainer('bst_run-twice');
    }
  });

  it('a missing image is a clear error and leaves no container', async () => {
    const response = await bridge.request('RunContainer', [
      'bst_run-missing',
      'bst-test/never-built:1',
      [],
      1,
    ]);
    expect(response.error?.code).toBe(-32011);
    expect(await engineCliOk('container', 'inspect', 'bst_run-missing')).toBe(false);
  });

  it('a start the engine refuses is a clear error and leaves no container', async () => {
    const file = join(hostRoot, 'a-file');
    await writeFile(file, 'not a folder');
    const response = await bridge.request('RunContainer', {
      containerName: 'bst_run-refused',
      imageSha: BASE_IMAGE,
      isDaemon: true,
      volumes: [[file, '/bin']],
    });
    expect(response.error?.code).toBe(-32004);
    expect(response.error?.message).toMatch(
      /^Could not start container bst_run-refused: .*error mounting ".*\/a-file" to rootfs at "\/bin": .*not a directory/,
    );
    expect(await engineCliOk('container', 'inspect', 'bst_run-refused')).toBe(false);
  });
});
