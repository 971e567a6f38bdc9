import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { imageIdOf } from '../../helpers/engine-cli.js';
import { EXIT_WITHIN_MS, MARGIN_MS } from '../../helpers/margins.js';
import { WITHOUT_PODMAN_SERVICE } from '../../helpers/namespaces.js';
import { BASE_IMAGE, bundlePath } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';
import { waitUntil } from '../../helpers/wait-until.js';

const run = promisify(execFile);

const servicesOn = async (socketPath: string) => {
  const { stdout } = await run('pgrep', ['-f', `system service --time=0 unix://${socketPath}`]).catch(() => ({
    stdout: '',
  }));
  return stdout.trim().split('\n').filter(Boolean);
};

describe('finding Podman', () => {
  it('starts a private podman service when none listens, and ends it with the bridge', async () => {
    const bridge = new BridgeClient({
      wrapper: WITHOUT_PODMAN_SERVICE,
      env: { DOCKER_HOST: 'unix:///nonexistent' },
    });
    const { engineName, location } = await bridge.call<{ engineName: string; location: string }>(
      'GetEngine',
      ['podman'],
    );
    expect(engineName).toBe('podman');
    expect(location).toMatch(/^unix:\/\/\/tmp\/bst-containers-podman-[^/]+\/podman\.sock$/);
    const socketPath = location.slice('unix://'.length);
    expect(await servicesOn(socketPath)).toHaveLength(1);
    const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages', { engine: 'podman' });
    expect(imageList.find(([name]) => name === BASE_IMAGE)?.slice(0, 2)).toEqual([
      BASE_IMAGE,
      await imageIdOf(BASE_IMAGE),
    ]);
    const started = performance.now();
    await bridge.close();
    expect(performance.now() - started).toBeLessThan(EXIT_WITHIN_MS + MARGIN_MS);
    expect(await servicesOn(socketPath)).toEqual([]);
    expect(existsSync(dirname(socketPath))).toBe(false);
  });

  it('a private service whose bridge was killed outright is ended by prune, with its folder', async () => {
    const doomed = new BridgeClient({
      wrapper: WITHOUT_PODMAN_SERVICE,
      env: { DOCKER_HOST: 'unix:///nonexistent' },
    });
    const { location } = await doomed.call<{ location: string }>('GetEngine', ['podman']);
    const socketPath = location.slice('unix://'.length);
    const folder = dirname(socketPath);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    // Nothing could end it: SIGKILL leaves the bridge no last word.
    const services = await servicesOn(socketPath);
    expect(services).toHaveLength(1);
    const bridge = new BridgeClient();
    const result = await bridge.call<{ services: number[]; tempFolders: string[] }>('Prune');
    await bridge.close();
    expect(result.services).toEqual(services.map(Number));
    expect(result.tempFolders).toContain(folder);
    expect(await servicesOn(socketPath)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  });

  it('a parent killed with SIGKILL: the bridge and the service it started are gone within 1 s', async () => {
    // The parent (MATLAB's stand-in) runs the bridge with no Podman service to find, and dies.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const [command, ...args] = ${JSON.stringify([...WITHOUT_PODMAN_SERVICE, process.execPath, bundlePath])};
      const bridge = spawn(command, args, {
        stdio: ['pipe', 'pipe', 'ignore'],
        env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent' },
      });
      bridge.stdout.once('data', (line) => console.log(JSON.stringify({ pid: bridge.pid, answer: String(line) })));
      bridge.stdin.write('{"jsonrpc":"2.0","id":1,"method":"GetEngine","params":["podman"]}\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const { pid, answer } = await new Promise<{ pid: number; answer: string }>((resolve) =>
      parent.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))),
    );
    const socketPath = (JSON.parse(answer).result.location as string).slice('unix://'.length);
    expect(await servicesOn(socketPath)).toHaveLength(1);
    parent.kill('SIGKILL');
    await waitUntil(async () => !isRunning(pid) && (await servicesOn(socketPath)).length === 0, {
      timeoutMs: EXIT_WITHIN_MS + MARGIN_MS,
      what: 'the bridge and its podman service to end after the parent was killed',
    });
    expect(existsSync(dirname(socketPath))).toBe(false);
  });

  it('auto-detect goes on to Podman when Docker is not there', async () => {
    const bridge = new BridgeClient({
      env: { DOCKER_HOST: 'unix:///nonexistent.sock', BST_CONTAINERS_ENGINE: '' },
    });
    expect(await bridge.call('GetEngine')).toEqual({
      engineName: 'podman',
      location: 'unix:///run/podman/podman.sock',
    });
    await bridge.close();
  });

  it('CONTAINER_HOST is the one place to look when it is set', async () => {
    const bridge = new BridgeClient({ env: { CONTAINER_HOST: 'unix:///nonexistent/podman.sock' } });
    const response = await bridge.request('GetEngine', ['podman']);
    expect(response.error?.code).toBe(-32002);
    expect(response.error?.message).toContain('CONTAINER_HOST');
    await bridge.close();
  });
});
