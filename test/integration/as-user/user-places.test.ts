import { existsSync, statSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, engineCli, removeContainer } from '../../helpers/engine-cli.js';
import { withEmptyFolder } from '../../helpers/namespaces.js';
import { asUserCommand, BASE_IMAGE, bridgeCommand, callerTempDir } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';
import { endedSession } from '../../helpers/sessions.js';
import { testUser } from '../../helpers/test-user.js';

const MINE = 'bst_places-mine';
const ROOTS = 'bst_places-roots';

describe(`the test user's own places, on ${ENGINE}`, () => {
  const user = testUser();
  let tempRoot: string;
  let mine: string;
  let roots: string;

  beforeAll(async () => {
    for (const name of [MINE, ROOTS]) await removeContainer(name);
    tempRoot = await callerTempDir('bst-places-');
    const dead = await endedSession();
    const mark = JSON.stringify({ format: 1, session: dead.session });
    // Two leftovers of bridges that no longer run, in the same temp folder: the user's and root's.
    mine = join(tempRoot, 'bst-containers-download-mine');
    roots = join(tempRoot, 'bst-containers-download-roots');
    for (const folder of [mine, roots]) {
      await mkdir(folder);
      await writeFile(join(folder, '.bst-containers-session'), mark);
    }
    for (const path of [mine, join(mine, '.bst-containers-session')]) await chown(path, user.uid, user.gid);
    // And their containers, labelled as a bridge of each user labels them.
    const labels = (uid: number) => [
      '--label',
      'org.brainstorm.bst-containers=owner',
      '--label',
      `org.brainstorm.bst-containers.session=${dead.session}`,
      '--label',
      'org.brainstorm.bst-containers.format=1',
      '--label',
      `org.brainstorm.bst-containers.user=${uid}`,
    ];
    for (const [name, uid] of [
      [MINE, user.uid],
      [ROOTS, 0],
    ] as const)
      await engineCli('create', '--name', name, ...labels(uid), BASE_IMAGE);
  });

  afterAll(async () => {
    for (const name of [MINE, ROOTS]) await removeContainer(name);
    await rm(tempRoot, { recursive: true, force: true });
  });

  it("prune sees and removes the user's leftovers only, not another user's", async () => {
    const bridge = new BridgeClient({ env: { BST_CONTAINERS_TMPDIR: tempRoot } });
    try {
      const ours = (result: Record<string, unknown>) => ({
        containers: (result.containers as [string, string][]).filter(([, name]) =>
          [MINE, ROOTS].includes(name),
        ),
        tempFolders: (result.tempFolders as string[]).filter((folder) => folder.startsWith(tempRoot)),
      });
      const expected = { containers: [[ENGINE, MINE]], tempFolders: [mine] };
      expect(ours(await bridge.call('Prune', { dryRun: true, engine: ENGINE }))).toEqual(expected);
      expect(ours(await bridge.call('Prune', { engine: ENGINE }))).toEqual(expected);
    } finally {
      await bridge.close();
    }
    expect(existsSync(mine)).toBe(false);
    expect(existsSync(roots)).toBe(true);
    expect(await engineCli('ps', '-a', '--filter', `name=${ROOTS}`, '--format', '{{.Names}}')).toBe(ROOTS);
    expect(await engineCli('ps', '-a', '--filter', `name=${MINE}`, '--format', '{{.Names}}')).toBe('');
  });

  it("a private Podman service lives in the user's XDG_RUNTIME_DIR, 0700, and a dead bridge's is pruned", async () => {
    // The user's Podman installed, but no service on its socket: the bridge starts its own.
    const hidden = withEmptyFolder(`${user.runtimeDir}/podman`);
    const doomed = new BridgeClient({ wrapper: hidden, env: { DOCKER_HOST: 'unix:///nonexistent' } });
    const { location } = await doomed.call<{ location: string }>('GetEngine', ['podman']);
    const folder = dirname(location.slice('unix://'.length));
    expect(dirname(folder)).toBe(user.runtimeDir);
    const { uid, mode } = statSync(folder);
    expect({ uid, mode: mode & 0o777 }).toEqual({ uid: user.uid, mode: 0o700 });
    const servicePid = Number(
      (await execa('pgrep', ['-f', `system service --time=0 unix://${folder}/podman.sock`])).stdout.trim(),
    );
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    expect(isRunning(servicePid)).toBe(true);
    const bridge = new BridgeClient();
    try {
      const result = await bridge.call<{ services: number[]; tempFolders: string[] }>('Prune', {
        engine: ENGINE,
      });
      expect(result.services).toEqual([servicePid]);
      expect(result.tempFolders).toContain(folder);
    } finally {
      await bridge.close();
    }
    expect(existsSync(folder)).toBe(false);
    expect(isRunning(servicePid)).toBe(false);
  });

  it('a user not in the docker group is told the socket, the missing membership and both fixes', async () => {
    const { file, args, env, cwd } = asUserCommand([...bridgeCommand, 'call', 'GetEngine', '["docker"]']);
    // The same user without its groups: as before `usermod -aG docker` and a new login.
    const outside = args.map((arg) => (arg === '--init-groups' ? '--clear-groups' : arg));
    const result = await execa(file, outside, { env, extendEnv: false, cwd, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'Docker is not answering at unix:///var/run/docker.sock: permission denied on its socket: your user is not in the docker group that may use it. Add your user to the docker group (`sudo usermod -aG docker $USER`) and log in again, or use Podman, which runs as your own user without any group.',
    );
  });
});
