import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, ENGINE_LOCATION, removeContainer } from '../../helpers/engine-cli.js';
import { EXIT_WITHIN_MS, MARGIN_MS } from '../../helpers/margins.js';
import { filesInMountOf } from '../../helpers/namespaces.js';
import { BASE_IMAGE, giveToCaller } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';
import { REMOTE_BINDS } from '../../helpers/remote-engine.js';
import { SSH_HOST, SSH_USER, sshClientsOf } from '../../helpers/ssh-host.js';
import { waitUntil } from '../../helpers/wait-until.js';

const CONTAINER = 'bst_over-ssh';

/** What ssh was started with, as the kernel has it. */
const argvOf = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);

// The bridge (the test user's, in a mount namespace where REMOTE_BINDS is an empty tmpfs) reaches
// the engine over SSH on the second host; the engine sees this machine's REMOTE_BINDS.
describe(`${ENGINE} over SSH`, () => {
  let bridge: BridgeClient;
  let folder: string;

  beforeAll(async () => {
    await removeContainer(CONTAINER);
    folder = await mkdtemp(join(REMOTE_BINDS, 'binds-'));
    await mkdir(join(folder, 'data'));
    await giveToCaller(folder);
    bridge = new BridgeClient();
  });

  afterAll(async () => {
    await bridge.close();
    await removeContainer(CONTAINER);
    await rm(folder, { recursive: true, force: true });
  });

  it('GetEngine shows the remote', async () => {
    expect(ENGINE_LOCATION).toMatch(new RegExp(`^ssh://${SSH_USER}@${SSH_HOST.replaceAll('.', '\\.')}`));
    expect(await bridge.call('GetEngine')).toEqual({ engineName: ENGINE, location: ENGINE_LOCATION });
  });

  it("binds name the engine's folders: one only the engine's machine has works, and nothing is made here", async () => {
    const data = join(folder, 'data');
    await bridge.call('RunContainer', {
      containerName: CONTAINER,
      imageSha: BASE_IMAGE,
      isDaemon: true,
      volumes: [[data, '/data']],
    });
    await bridge.call('ExecInContainer', [CONTAINER, 'echo written-there > /data/out.txt']);
    expect(await readFile(join(data, 'out.txt'), 'utf8')).toBe('written-there\n');
    const { containerInfo } = await bridge.call<{ containerInfo: { volumes: string[][] } }>(
      'GetContainerInfo',
      [CONTAINER],
    );
    expect(containerInfo.volumes).toEqual([[data, '/data']]);
    // The bridge's own view of REMOTE_BINDS: still the empty tmpfs.
    expect(await filesInMountOf(bridge.child.pid as number, REMOTE_BINDS)).toEqual([]);
  });

  // Docker refuses a bind whose folder is missing; Podman's compat API makes it, as `docker run -v`
  // does: on its own machine either way, never here.
  it(`a folder missing on the engine's machine: ${
    ENGINE === 'docker'
      ? '-32032 naming the machine, and none is made there'
      : 'Podman makes it there, as it does'
  }; none is made here`, async () => {
    const missing = join(folder, 'not-there', 'deeper');
    const name = `${CONTAINER}-missing`;
    await removeContainer(name);
    const response = await bridge.request('RunContainer', {
      containerName: name,
      imageSha: BASE_IMAGE,
      isDaemon: true,
      volumes: [[missing, '/data']],
    });
    if (ENGINE === 'docker') {
      expect(response.error?.code).toBe(-32032);
      expect(response.error?.message).toContain(`${missing} does not exist on ${ENGINE_LOCATION}`);
      expect(response.error?.data).toEqual({ path: missing, code: 'ENOENT' });
      expect(existsSync(join(folder, 'not-there'))).toBe(false);
    } else {
      expect(response.error).toBeUndefined();
      expect(existsSync(missing)).toBe(true);
    }
    expect(await filesInMountOf(bridge.child.pid as number, REMOTE_BINDS)).toEqual([]);
    await removeContainer(name);
  });

  it('reuses its connection: after the first calls, further calls start no ssh', async () => {
    const pid = bridge.child.pid as number;
    for (let call = 0; call < 5; call++) await bridge.call('GetContainerInfo', [CONTAINER]);
    const before = sshClientsOf(pid).sort();
    expect(before.length).toBeGreaterThan(0);
    if (ENGINE === 'podman') expect(before).toHaveLength(1);
    for (let call = 0; call < 30; call++) await bridge.call('GetContainerInfo', [CONTAINER]);
    expect(sshClientsOf(pid).sort()).toEqual(before);
  });

  it('puts nothing of a call on the ssh command line: only the address from the environment', async () => {
    const pid = bridge.child.pid as number;
    const expectedTail =
      ENGINE === 'docker' ? ['--', SSH_HOST, 'docker', 'system', 'dial-stdio'] : ['--', SSH_HOST, 'cat'];
    for (const ssh of sshClientsOf(pid)) {
      const argv = argvOf(ssh);
      expect(argv.slice(argv.indexOf('--'))).toEqual(expectedTail);
      expect(argv).not.toContain(CONTAINER);
      expect(argv.join(' ')).not.toContain(folder);
    }
  });

  it('no ssh outlives the bridge, even killed with SIGKILL', async () => {
    const doomed = new BridgeClient();
    await doomed.call('GetContainerInfo', [CONTAINER]);
    const pid = doomed.child.pid as number;
    const clients = sshClientsOf(pid);
    expect(clients.length).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await doomed.exited;
    await waitUntil(() => clients.every((ssh) => !isRunning(ssh)), {
      timeoutMs: EXIT_WITHIN_MS + MARGIN_MS,
      what: `the ssh processes ${clients.join(', ')} of the killed bridge to end`,
    });
  });
});
