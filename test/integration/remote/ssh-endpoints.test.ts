import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, ENGINE_LOCATION } from '../../helpers/engine-cli.js';
import { asCaller, asUserCommand, bridgeCommand, callerTempDir } from '../../helpers/paths.js';
import { withRemoteEngine } from '../../helpers/remote-engine.js';
import {
  dockerSshUrl,
  podmanSshUrl,
  SSH_HOST,
  SSH_USER,
  sshClientsOf,
  sshIdentity,
} from '../../helpers/ssh-host.js';
import { testUser } from '../../helpers/test-user.js';

/** A program of the user's (the engine's CLI writing its own configuration), as the user runs it. */
const asTheUser = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const { file, args, env: fullEnv, cwd } = asUserCommand(argv, env);
  const result = await execa(file, args, { env: fullEnv, extendEnv: false, cwd, reject: false });
  if (result.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
};

/** GetEngine through a bridge whose address comes from `env` alone (the remote's variables unset). */
const locationWith = async (env: NodeJS.ProcessEnv) => {
  const bridge = new BridgeClient({ env: { DOCKER_HOST: '', CONTAINER_HOST: '', ...env } });
  try {
    const { location } = await bridge.call<{ location: string }>('GetEngine', { engine: ENGINE });
    return { location, ssh: sshClientsOf(bridge.child.pid as number).map((pid) => readArgv(pid)) };
  } finally {
    await bridge.close();
  }
};

const readArgv = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);

// Where the CLIs keep a remote engine, written by the CLIs themselves, as the test user.
describe(`${ENGINE} over SSH: endpoints as the CLIs read them`, () => {
  let config: string;
  beforeAll(async () => {
    config = await callerTempDir('bst-remote-config-');
  });
  afterAll(async () => {
    await rm(config, { recursive: true, force: true });
  });

  if (ENGINE === 'docker') {
    it('a Docker context whose endpoint is ssh://, made with `docker context create`', async () => {
      await asTheUser(['docker', 'context', 'create', 'lab', '--docker', `host=${dockerSshUrl()}`], {
        DOCKER_CONFIG: config,
      });
      await asTheUser(['docker', 'context', 'use', 'lab'], { DOCKER_CONFIG: config });
      expect((await locationWith({ DOCKER_CONFIG: config })).location).toBe(dockerSshUrl());
    });

    it("the user's own ssh configuration: a host alias with its user", async () => {
      const sshConfig = `${testUser().home}/.ssh/config`;
      const before = await readFile(sshConfig, 'utf8').catch(() => undefined);
      await writeFile(
        sshConfig,
        `${before ?? ''}\nHost bst-lab-alias\n  HostName ${SSH_HOST}\n  User ${SSH_USER}\n`,
        { mode: 0o600 },
      );
      await execa('chown', [`${testUser().uid}:${testUser().gid}`, sshConfig]);
      try {
        const { location, ssh } = await locationWith({ DOCKER_HOST: 'ssh://bst-lab-alias' });
        expect(location).toBe('ssh://bst-lab-alias');
        expect(ssh[0]?.slice(ssh[0].indexOf('--'))).toEqual([
          '--',
          'bst-lab-alias',
          'docker',
          'system',
          'dial-stdio',
        ]);
      } finally {
        if (before === undefined) await rm(sshConfig);
        else await writeFile(sshConfig, before);
      }
    });
  } else {
    it('CONTAINER_HOST with CONTAINER_SSHKEY: the key is offered', async () => {
      const { location, ssh } = await locationWith({
        CONTAINER_HOST: podmanSshUrl(),
        CONTAINER_SSHKEY: sshIdentity(),
      });
      expect(location).toBe(podmanSshUrl());
      const argv = ssh[0] ?? [];
      expect(argv.slice(argv.indexOf('-i'), argv.indexOf('-i') + 2)).toEqual(['-i', sshIdentity()]);
    });

    it('a Podman system connection over ssh://, made with `podman system connection add`, by CONTAINER_CONNECTION', async () => {
      await asTheUser(
        ['podman', 'system', 'connection', 'add', '--identity', sshIdentity(), 'lab', podmanSshUrl()],
        { XDG_CONFIG_HOME: config },
      );
      const { location, ssh } = await locationWith({ XDG_CONFIG_HOME: config, CONTAINER_CONNECTION: 'lab' });
      // Podman writes the port it assumed.
      expect(location).toBe(podmanSshUrl().replace(SSH_HOST, `${SSH_HOST}:22`));
      expect(ssh[0]).toContain(sshIdentity());
    });
  }

  it('doctor shows the remote', async () => {
    const { file, args, env, cwd } = asCaller([...bridgeCommand, 'doctor'], withRemoteEngine());
    const result = await execa(file, args, { env, extendEnv: false, cwd, reject: false });
    expect(result.stdout).toContain(ENGINE_LOCATION);
  });
});
