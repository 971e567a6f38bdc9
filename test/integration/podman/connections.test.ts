import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE_LOCATION } from '../../helpers/engine-cli.js';
import { asCaller, bridgeCommand, callerTempDir, giveToCaller } from '../../helpers/paths.js';
import { AS_USER } from '../../helpers/test-user.js';

const run = async (argv: string[], env: NodeJS.ProcessEnv) => {
  const { file, args, env: whole, cwd } = asCaller(argv, env);
  return execa(file, args, { env: whole, extendEnv: false, cwd, reject: false });
};

// Connections written by the machine's own Podman (`podman system connection add`), read by the
// bridge where Podman reads them: the caller's containers.conf under XDG_CONFIG_HOME.
describe(`Podman's system connections, as ${AS_USER ? 'the test user' : 'root'}`, () => {
  let folder: string;
  let conf: string;
  let dropIn: string;
  let env: NodeJS.ProcessEnv;
  let shown: string;

  beforeAll(async () => {
    folder = await callerTempDir('bst-podman-connections-');
    conf = join(folder, 'config/containers/containers.conf');
    dropIn = join(folder, 'config/containers/containers.conf.d/50-remote.conf');
    await mkdir(join(folder, 'config/containers/containers.conf.d'), { recursive: true });
    // As root, Podman 4.3.1 writes /etc/containers/containers.conf unless CONTAINERS_CONF names
    // another file, which must exist; as a user it writes the same file under XDG_CONFIG_HOME.
    await writeFile(conf, '');
    await giveToCaller(folder);
    const podman = (...args: string[]) =>
      run(['podman', 'system', 'connection', ...args], { CONTAINERS_CONF: conf });
    for (const added of [
      await podman('add', 'decoy', `unix://${folder}/missing/podman.sock`),
      await podman('add', 'the engine', ENGINE_LOCATION),
      await podman('default', 'decoy'),
    ])
      expect(added.exitCode, added.stderr).toBe(0);
    env = { XDG_CONFIG_HOME: join(folder, 'config') };
    shown = conf;
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const getEngine = async (extra: NodeJS.ProcessEnv) => {
    const bridge = new BridgeClient({ env: { ...env, ...extra } });
    const response = await bridge.request('GetEngine', ['podman']);
    await bridge.close();
    return response;
  };

  it('CONTAINER_CONNECTION names the connection to use; doctor says where it came from', async () => {
    expect((await getEngine({ CONTAINER_CONNECTION: 'the engine' })).result).toEqual({
      engineName: 'podman',
      location: ENGINE_LOCATION,
    });
    const doctor = await run([...bridgeCommand, 'doctor'], { ...env, CONTAINER_CONNECTION: 'the engine' });
    expect(doctor.stdout).toContain(
      `  location: ${ENGINE_LOCATION} (CONTAINER_CONNECTION=the engine, ${shown})`,
    );
  });

  it('a name Podman does not have: a clear error with the names there are', async () => {
    const { error } = await getEngine({ CONTAINER_CONNECTION: 'gpu' });
    expect(error?.code).toBe(-32002);
    expect(error?.message).toBe(
      `Podman cannot be reached: CONTAINER_CONNECTION names the connection "gpu", which is not in ${shown} (the connections are "decoy", "the engine"). Set it to one of \`podman system connection list\`, or unset it.`,
    );
  });

  it('the default connection is for a remote Podman only: with podman installed, the local one answers', async () => {
    await rm(dropIn, { force: true });
    expect((await getEngine({})).result).toEqual({ engineName: 'podman', location: ENGINE_LOCATION });
  });

  it('with `remote = true` in a drop-in, the default connection is the one place looked', async () => {
    await writeFile(dropIn, '[engine]\nremote = true\n');
    await giveToCaller(dropIn);
    const { error } = await getEngine({});
    expect(error?.code).toBe(-32002);
    expect(error?.message).toContain(
      `Podman is not answering at unix://${folder}/missing/podman.sock (connection decoy, ${shown}).`,
    );
    const chosen = await run(['podman', 'system', 'connection', 'default', 'the engine'], {
      CONTAINERS_CONF: conf,
    });
    expect(chosen.exitCode, chosen.stderr).toBe(0);
    expect((await getEngine({})).result).toEqual({ engineName: 'podman', location: ENGINE_LOCATION });
    const doctor = await run([...bridgeCommand, 'doctor'], env);
    expect(doctor.stdout).toContain(`  location: ${ENGINE_LOCATION} (connection the engine, ${shown})`);
  });
});
