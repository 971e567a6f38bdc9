import { existsSync, readFileSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, removeContainer } from '../../helpers/engine-cli.js';
import { asUserCommand, BASE_IMAGE, callerTempDir } from '../../helpers/paths.js';
import { testUser } from '../../helpers/test-user.js';

const CONTAINER = 'bst_ownership';
const WRITES =
  'mkdir -p /data/nested/deeper && echo made > /data/nested/deeper/file && touch /data/top && id -u';

/** The real uid of a process, from /proc/PID/status (`Uid: real effective saved fs`). */
const uidOf = (pid: number) =>
  Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** Every path under `folder`, with its owner's uid. */
const ownersUnder = async (folder: string, paths: string[]) =>
  Object.fromEntries(
    await Promise.all(paths.map(async (path) => [path, (await lstat(join(folder, path))).uid])),
  );

const removeAsUser = async (folder: string) => {
  const { file, args, env, cwd } = asUserCommand(['rm', '-r', folder]);
  return execa(file, args, { env, extendEnv: false, cwd, reject: false });
};

describe(`files a container writes in a bind, as the test user on ${ENGINE}`, () => {
  const user = testUser();
  let bridge: BridgeClient;
  let parent: string;

  beforeAll(async () => {
    await removeContainer(CONTAINER);
    parent = await callerTempDir('bst-owner-');
    bridge = new BridgeClient();
  });

  beforeEach(async () => {
    await removeContainer(CONTAINER);
  });

  afterAll(async () => {
    await bridge.close();
    await removeContainer(CONTAINER);
    await rm(parent, { recursive: true, force: true });
  });

  it('the bridge runs as the test user, not root', async () => {
    await bridge.call('GetVersion');
    expect(uidOf(bridge.child.pid as number)).toBe(user.uid);
  });

  it("are the user's, and the user removes the whole folder without privileges", async () => {
    // Not there yet: the bridge makes it, as the user.
    const bind = join(parent, 'bind');
    await bridge.call('RunContainer', [CONTAINER, BASE_IMAGE, [[bind, '/data']], 1]);
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', [CONTAINER, WRITES]);
    // Rootful Docker runs it as the caller; rootless Podman's root is the user on the host.
    expect(cmdout).toBe(ENGINE === 'docker' ? `${user.uid}\n` : '0\n');
    expect(await ownersUnder(bind, ['.', 'nested', 'nested/deeper', 'nested/deeper/file', 'top'])).toEqual({
      '.': user.uid,
      nested: user.uid,
      'nested/deeper': user.uid,
      'nested/deeper/file': user.uid,
      top: user.uid,
    });
    await bridge.call('StopContainer', [CONTAINER, 1]);
    expect((await removeAsUser(bind)).exitCode).toBe(0);
    expect(existsSync(bind)).toBe(false);
  });

  it('a container run as the caller has a HOME it can write', async () => {
    await bridge.call('RunContainer', [CONTAINER, BASE_IMAGE, [], 1]);
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', [
      CONTAINER,
      'touch "$HOME/.written" && echo "$HOME"',
    ]);
    // Podman keeps the image's HOME: its root is the user; this image has no /etc/passwd, so HOME is /.
    expect(cmdout).toBe(ENGINE === 'docker' ? '/tmp/bst-containers-home\n' : '/\n');
    await bridge.call('StopContainer', [CONTAINER, 1]);
  });

  it("asImageUser keeps the image's user (root): on rootful Docker its files are then root's", async () => {
    const bind = join(parent, 'as-image-user');
    await bridge.call('RunContainer', {
      containerName: CONTAINER,
      imageSha: BASE_IMAGE,
      volumes: [[bind, '/data']],
      isDaemon: true,
      asImageUser: true,
    });
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', [CONTAINER, WRITES]);
    expect(cmdout).toBe('0\n');
    expect((await lstat(join(bind, 'top'))).uid).toBe(ENGINE === 'docker' ? 0 : user.uid);
    await bridge.call('StopContainer', [CONTAINER, 1]);
  });

  it('BST_CONTAINERS_IMAGE_USER=1 does the same for every run of a bridge', async () => {
    const imageUser = new BridgeClient({ env: { BST_CONTAINERS_IMAGE_USER: '1' } });
    try {
      const { cmdout } = await imageUser.call<{ cmdout: string }>('RunContainer', {
        containerName: CONTAINER,
        imageSha: BASE_IMAGE,
        containerArgs: ['$(id -u)'],
      });
      expect(cmdout).toBe('entrypoint-ran $(id -u)\n');
      await imageUser.call('RunContainer', [CONTAINER, BASE_IMAGE, [], 1]);
      expect((await imageUser.call<{ cmdout: string }>('ExecInContainer', [CONTAINER, 'id -u'])).cmdout).toBe(
        '0\n',
      );
      await imageUser.call('StopContainer', [CONTAINER, 1]);
    } finally {
      await imageUser.close();
    }
  });
});
