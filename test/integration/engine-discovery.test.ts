import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { useDaemonContainer } from '../helpers/daemon-container.js';
import { imageIdOf } from '../helpers/engine-cli.js';
import { EngineProxy } from '../helpers/engine-proxy.js';
import { WITHOUT_SOCKETS } from '../helpers/namespaces.js';
import { BASE_IMAGE } from '../helpers/paths.js';

const DOCKER_SOCKET = '/var/run/docker.sock';

const CONTAINER = 'bst_discovery-test';

const firstError = async (env: NodeJS.ProcessEnv, params: unknown = {}, wrapper?: string[]) => {
  const bridge = new BridgeClient({ env, ...(wrapper ? { wrapper } : {}) });
  const response = await bridge.request('GetEngine', params);
  await bridge.close();
  return response.error;
};

describe('finding the engine', () => {
  let folder: string;
  let baseId: string;
  useDaemonContainer(CONTAINER);
  const info = () => ({ containerInfo: { name: CONTAINER, isRunning: true, volumes: [], imageSha: baseId } });

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bst-discovery-'));
    baseId = await imageIdOf(BASE_IMAGE);
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('no engine at all: "No valid container engine was found"', async () => {
    const error = await firstError({ PATH: '/nonexistent' }, {}, WITHOUT_SOCKETS);
    expect(error?.code).toBe(-32001);
    expect(error?.message).toMatch(/^No valid container engine was found/);
  });

  it('a named engine that is absent: "Container engine docker was not found"', async () => {
    const error = await firstError({ PATH: '/nonexistent' }, ['docker'], WITHOUT_SOCKETS);
    expect(error).toMatchObject({ code: -32001, message: 'Container engine docker was not found.' });
  });

  it('Docker installed but its daemon down: says so and what to do', async () => {
    // Named: auto-detect would go on to Podman, which answers here.
    const missing = await firstError({ DOCKER_HOST: `unix://${folder}/missing.sock` }, ['docker']);
    expect(missing?.code).toBe(-32002);
    expect(missing?.message).toBe(
      `Docker is not answering at unix://${folder}/missing.sock: its socket does not exist. Start Docker (Docker Desktop, or \`sudo systemctl start docker\`).`,
    );
    await writeFile(join(folder, 'dead.sock'), '');
    const dead = await firstError({ DOCKER_HOST: `unix://${folder}/dead.sock` }, ['docker']);
    expect(dead?.message).toContain('nothing answers on its socket');
  });

  it('honours DOCKER_HOST, detects once and reuses its connection for a session of calls', async () => {
    const proxy = await EngineProxy.start(DOCKER_SOCKET, join(folder, 'proxy.sock'));
    const bridge = new BridgeClient({ env: { DOCKER_HOST: proxy.host } });
    try {
      expect(await bridge.call('GetEngine')).toEqual({
        engineName: 'docker',
        location: `unix://${folder}/proxy.sock`,
      });
      for (let index = 0; index < 30; index++) {
        expect(await bridge.call('GetContainerInfo', [CONTAINER])).toEqual(info());
        const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
        expect(imageList).toContainEqual([BASE_IMAGE, baseId, '<none>']);
      }
      expect(proxy.pings()).toBe(1);
      // Keep-alive connections are reused: a call issued the instant the previous answer ends may
      // find the first one not yet released and open one more, never one per call.
      expect(proxy.connections()).toBeLessThanOrEqual(2);
    } finally {
      await bridge.close();
      await proxy.stop();
    }
  });

  it('follows DOCKER_CONTEXT, then the current context of ~/.docker/config.json, as the Docker CLI does', async () => {
    const home = join(folder, 'home');
    const addContext = async (name: string, host: string) => {
      const meta = join(home, '.docker/contexts/meta', createHash('sha256').update(name).digest('hex'));
      await mkdir(meta, { recursive: true });
      await writeFile(
        join(meta, 'meta.json'),
        JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }),
      );
    };
    const proxy = await EngineProxy.start(DOCKER_SOCKET, join(folder, 'context.sock'));
    try {
      await addContext('working', `unix://${folder}/context.sock`);
      await addContext('broken', `unix://${folder}/no-daemon.sock`);
      await writeFile(join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'broken' }));
      const env = { HOME: home, DOCKER_HOST: '' };
      const fromConfig = await firstError(env, ['docker']);
      expect(fromConfig?.message).toContain(`unix://${folder}/no-daemon.sock`);
      const bridge = new BridgeClient({ env: { ...env, DOCKER_CONTEXT: 'working' } });
      expect(await bridge.call('GetEngine', ['docker'])).toEqual({
        engineName: 'docker',
        location: `unix://${folder}/context.sock`,
      });
      await bridge.close();
      expect(proxy.pings()).toBe(1);
      const unknown = await firstError({ ...env, DOCKER_CONTEXT: 'nowhere' }, ['docker']);
      expect(unknown?.message).toContain('Docker context "nowhere" has no endpoint');
    } finally {
      await proxy.stop();
    }
  });

  it('an engine that goes away gives a clear error, and is found again once it is back', async () => {
    const proxy = await EngineProxy.start(DOCKER_SOCKET, join(folder, 'flaky.sock'));
    const bridge = new BridgeClient({ env: { DOCKER_HOST: proxy.host } });
    try {
      expect(await bridge.call('GetContainerInfo', [CONTAINER])).toEqual(info());
      await proxy.stop();
      const down = await bridge.request('GetContainerInfo', [CONTAINER]);
      expect(down.error?.code).toBe(-32002);
      expect(down.error?.message).toContain('Start Docker');
      await proxy.listen();
      expect(await bridge.call('GetContainerInfo', [CONTAINER])).toEqual(info());
    } finally {
      await bridge.close();
      await proxy.stop();
    }
  });
});
