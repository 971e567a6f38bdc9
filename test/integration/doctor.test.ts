import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { HOST_APPTAINER } from '../helpers/host.js';
import { WITHOUT_SOCKETS } from '../helpers/namespaces.js';
import { bridgeArgv, bridgeCommand } from '../helpers/paths.js';

const doctor = (env: NodeJS.ProcessEnv, options: { withoutSockets?: boolean; asUser?: number } = {}) => {
  const node = [...bridgeCommand, 'doctor'];
  if (options.withoutSockets)
    return execa('/usr/bin/unshare', [...WITHOUT_SOCKETS, ...node], { env, reject: false });
  if (options.asUser !== undefined) {
    const user = String(options.asUser);
    const setpriv = ['--reuid', user, '--regid', user, '--clear-groups'];
    return execa('/usr/bin/setpriv', [...setpriv, ...node], { env, reject: false });
  }
  return execa(node[0] as string, node.slice(1), { env, reject: false });
};

describe('bst-containers doctor', () => {
  it('with no engine at all: each one not found, what to install, exit 1', async () => {
    const result = await doctor({ PATH: '/nonexistent' }, { withoutSockets: true });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('docker: not found');
    expect(result.stdout).toContain('https://docs.docker.com/get-docker/');
    expect(result.stdout).toContain('podman: not found');
    expect(result.stdout).toContain('apptainer: not found');
    expect(result.stdout).toContain('module load apptainer');
    expect(result.stdout).toContain('No container engine answers');
  });

  it('with engines installed but down: says so for each and what to do, exit 1', async () => {
    const result = await doctor({
      ...process.env,
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      CONTAINER_HOST: 'unix:///nonexistent/podman.sock',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('docker: installed, not answering');
    expect(result.stdout).toContain('sudo systemctl start docker');
    expect(result.stdout).toContain('podman: installed, not answering');
    expect(result.stdout).toContain('or unset CONTAINER_HOST');
  });

  it('for a user outside the docker group: add the user to the group; Podman still works rootless', async () => {
    // Rootless Podman keeps its store under the user's HOME.
    const home = await mkdtemp(join(tmpdir(), 'bst-doctor-nobody-'));
    await chown(home, 65534, 65534);
    const result = await doctor({ PATH: process.env.PATH, HOME: home }, { asUser: 65534 });
    await rm(home, { recursive: true, force: true });
    expect(result.stdout).toContain(
      'permission denied on its socket: your user is not in the docker group that may use it. Add your user to the docker group',
    );
    expect(result.stdout).toContain('podman: answering');
    expect(result.exitCode).toBe(0);
  });

  it(`with working engines: where, which version, exit 0; --json for programs (Apptainer ${HOST_APPTAINER ? 'answering' : 'absent'} on this host)`, async () => {
    const result = await doctor(process.env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /docker: answering\n {2}program: .*\n {2}location: unix:\/\/\/var\/run\/docker.sock\n {2}version: {2}\d+/,
    );
    const json = await execa(...bridgeArgv('doctor', '--json'));
    const { engines } = JSON.parse(json.stdout) as { engines: { engine: string; answering: boolean }[] };
    expect(engines.map((entry) => [entry.engine, entry.answering])).toEqual([
      ['docker', true],
      ['podman', true],
      ['apptainer', HOST_APPTAINER !== undefined],
    ]);
  });
});
