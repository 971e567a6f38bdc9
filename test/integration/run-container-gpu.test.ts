import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { ENGINE, ENGINE_LOCATION, engineCli, engineCliOk, removeContainer } from '../helpers/engine-cli.js';
import { ANOTHER_MACHINE, GpuHostProxy, type RecordedCreate } from '../helpers/gpu-host-proxy.js';
import { HOST_GPU } from '../helpers/host.js';
import { BASE_IMAGE, callerPath, callerTempDir, giveToCaller } from '../helpers/paths.js';

// RunContainer's useGpu, on this machine's engine: the rule is this machine's and the engine's,
// whatever way the bridge reaches the engine (the remote projects test their own GPU rule through
// GpuHostProxy's address of another machine, below).
let bridge: BridgeClient;
beforeAll(() => {
  bridge = new BridgeClient();
});
afterAll(async () => {
  await bridge.close();
});

describe(`useGpu, on this host ${HOST_GPU ? 'with an NVIDIA GPU' : 'without a GPU'}`, () => {
  const GPU_REQUEST =
    ENGINE === 'docker' ? '{{json .HostConfig.DeviceRequests}}' : '{{json .HostConfig.Devices}}';
  /** What `inspect` shows of a request for every GPU. */
  const everyGpu =
    ENGINE === 'docker'
      ? [expect.objectContaining({ Driver: '', Count: -1, Capabilities: [['gpu']] })]
      : [expect.objectContaining({ PathOnHost: 'nvidia.com/gpu=all' })];
  const noGpu = ENGINE === 'docker' ? null : [];
  /** Folders with a stand-in `nvidia-smi` printing `listing` for `-L`. */
  const fakeBins: string[] = [];
  const nvidiaSmiListing = async (listing: string) => {
    const folder = await callerTempDir('bst-gpu-bin-');
    fakeBins.push(folder);
    await writeFile(join(folder, 'nvidia-smi'), `#!/bin/sh\nprintf '%s' '${listing}'\n`);
    await chmod(join(folder, 'nvidia-smi'), 0o755);
    await giveToCaller(folder);
    return folder;
  };

  afterAll(async () => {
    await removeContainer('bst_run-gpu');
    for (const folder of fakeBins) await rm(folder, { recursive: true, force: true });
  });

  it(
    HOST_GPU
      ? 'asks the engine for every GPU'
      : 'starts without a GPU request, and says so once (a second call says nothing)',
    async () => {
      const run = async () => {
        await removeContainer('bst_run-gpu');
        return bridge.call('RunContainer', {
          containerName: 'bst_run-gpu',
          imageSha: BASE_IMAGE,
          isDaemon: 1,
          useGpu: 1,
        });
      };
      const first = await run();
      const requested = JSON.parse(await engineCli('inspect', '--format', GPU_REQUEST, 'bst_run-gpu'));
      expect(requested).toEqual(HOST_GPU ? everyGpu : noGpu);
      if (HOST_GPU) return;
      expect(first.notice).toMatch(/no NVIDIA GPU/i);
      expect((await run()).notice).toBeUndefined();
    },
  );

  it(
    HOST_GPU
      ? 'with an nvidia-smi that lists no GPU, still asks for every GPU (the device files decide)'
      : 'with an nvidia-smi that lists no GPU (a login node with the driver only), starts without a GPU request',
    async () => {
      const gpuBridge = new BridgeClient({
        env: { PATH: `${await nvidiaSmiListing('')}:${callerPath}` },
      });
      try {
        await removeContainer('bst_run-gpu');
        const result = await gpuBridge.call('RunContainer', {
          containerName: 'bst_run-gpu',
          imageSha: BASE_IMAGE,
          isDaemon: true,
          useGpu: true,
        });
        const requested = JSON.parse(await engineCli('inspect', '--format', GPU_REQUEST, 'bst_run-gpu'));
        expect(requested).toEqual(HOST_GPU ? everyGpu : noGpu);
        if (!HOST_GPU) expect(result.notice).toMatch(/no NVIDIA GPU/i);
      } finally {
        await gpuBridge.close();
      }
    },
  );

  it(
    HOST_GPU
      ? 'with an nvidia-smi that lists a GPU, asks the engine for every GPU'
      : 'with an nvidia-smi that lists a GPU the host lacks, the engine refuses the request and no container is left',
    async () => {
      await removeContainer('bst_run-gpu');
      const listing = 'GPU 0: NVIDIA Stand-in (UUID: GPU-00000000-0000-0000-0000-000000000000)\n';
      const gpuBridge = new BridgeClient({
        env: { PATH: `${await nvidiaSmiListing(listing)}:${callerPath}` },
      });
      try {
        const response = await gpuBridge.request('RunContainer', {
          containerName: 'bst_run-gpu',
          imageSha: BASE_IMAGE,
          isDaemon: true,
          useGpu: true,
        });
        if (HOST_GPU) {
          expect(response.error).toBeUndefined();
          const requested = JSON.parse(await engineCli('inspect', '--format', GPU_REQUEST, 'bst_run-gpu'));
          expect(requested).toEqual(everyGpu);
        } else {
          // The engine's refusal names what it was asked for; the bridge says what is missing.
          expect(response.error?.code).toBe(-32004);
          expect(response.error?.message).toMatch(
            /^Could not (create|start) container bst_run-gpu: (Docker|Podman) cannot give it a GPU \(.*NVIDIA Container Toolkit/,
          );
          expect(response.error?.message).toMatch(
            ENGINE === 'docker'
              ? /could not select device driver "" with capabilities: \[\[gpu\]\]/
              : /CDI devices nvidia.com\/gpu=all/,
          );
          expect(await engineCliOk('container', 'inspect', 'bst_run-gpu')).toBe(false);
        }
      } finally {
        await gpuBridge.close();
      }
    },
  );
  describe('asks the engine first (a proxy on the engine socket stands in for a GPU host)', () => {
    /** The engine's own socket, behind the proxy. */
    const ENGINE_SOCKET = ENGINE_LOCATION.replace(/^unix:\/\//, '');
    const HOST_VARIABLE = ENGINE === 'docker' ? 'DOCKER_HOST' : 'CONTAINER_HOST';
    const A_GPU = 'GPU 0: NVIDIA Stand-in (UUID: GPU-00000000-0000-0000-0000-000000000000)\n';
    const proxies: GpuHostProxy[] = [];

    /** A bridge reaching the engine through a proxy on `address`, with an nvidia-smi listing `listing`. */
    const throughProxy = async (address: string, listing: string) => {
      const proxy = await GpuHostProxy.start(ENGINE_SOCKET, address);
      proxies.push(proxy);
      const gpuBridge = new BridgeClient({
        env: { [HOST_VARIABLE]: proxy.host, PATH: `${await nvidiaSmiListing(listing)}:${callerPath}` },
      });
      const run = () =>
        gpuBridge.request('RunContainer', {
          containerName: 'bst_run-gpu',
          imageSha: BASE_IMAGE,
          isDaemon: true,
          useGpu: true,
        });
      return { proxy, gpuBridge, run };
    };
    /** What the bridge's create asked for, and what the engine shows of it. */
    const requestedIn = (create: RecordedCreate | undefined) =>
      ENGINE === 'docker' ? create?.body.HostConfig?.DeviceRequests : create?.body.HostConfig?.Devices;

    afterAll(async () => {
      for (const proxy of proxies) await proxy.close();
    });

    if (ENGINE === 'docker') {
      it.each([
        ['on this machine (tcp://127.0.0.1), with an nvidia-smi that lists none', '127.0.0.1', ''],
        ['on another machine, with an nvidia-smi here that lists none', ANOTHER_MACHINE, ''],
      ])(
        'Docker reporting the NVIDIA runtime in /info gets the GPU request: %s',
        async (_, address, listing) => {
          await removeContainer('bst_run-gpu');
          const { proxy, gpuBridge, run } = await throughProxy(address, listing);
          proxy.reportNvidiaRuntime = true;
          try {
            const response = await run();
            // Asked at Docker's own API version, where CDI devices (API 1.50) are not left out
            // (the bridge's own version asks who owns binds, for the test user).
            expect(proxy.infoPaths.filter((path) => path === '/info')).toHaveLength(1);
            expect(proxy.creates.map((create) => create.name)).toEqual(['bst_run-gpu']);
            expect(requestedIn(proxy.creates[0])).toEqual(everyGpu);
            if (HOST_GPU) {
              expect(response.error).toBeUndefined();
            } else {
              // The real engine has no NVIDIA hardware or toolkit: it refuses what it was asked for.
              expect(response.error?.code).toBe(-32004);
              expect(response.error?.message).toMatch(
                /could not select device driver "" with capabilities: \[\[gpu\]\]/,
              );
              expect(await engineCliOk('container', 'inspect', 'bst_run-gpu')).toBe(false);
            }
          } finally {
            await gpuBridge.close();
          }
        },
      );

      it('Docker on another machine without the NVIDIA runtime gets no GPU request, whatever nvidia-smi says here, and the notice names that machine once', async () => {
        await removeContainer('bst_run-gpu');
        const { proxy, gpuBridge, run } = await throughProxy(ANOTHER_MACHINE, A_GPU);
        try {
          const first = await run();
          expect(first.error).toBeUndefined();
          expect(requestedIn(proxy.creates[0])).toBeUndefined();
          expect(JSON.parse(await engineCli('inspect', '--format', GPU_REQUEST, 'bst_run-gpu'))).toEqual(
            noGpu,
          );
          expect(first.result?.notice).toBe(
            `Docker at ${proxy.host} reports no NVIDIA GPU on its computer (no \`nvidia\` runtime, no \`nvidia.com/gpu\` CDI device): Docker containers there start without a GPU. If that computer has one, register the NVIDIA Container Toolkit's runtime there (\`nvidia-ctk runtime configure --runtime=docker\`, then restart Docker).`,
          );
          await removeContainer('bst_run-gpu');
          const second = await run();
          expect(second.result).toEqual({});
          expect(requestedIn(proxy.creates[1])).toBeUndefined();
          // Decided once: asked for the first run only.
          expect(proxy.infoPaths.filter((path) => path === '/info')).toHaveLength(1);
        } finally {
          await gpuBridge.close();
        }
      });
    } else {
      it('Podman on another machine, which reports nothing of GPUs, gets no GPU request whatever nvidia-smi says here, and the notice says so once', async () => {
        await removeContainer('bst_run-gpu');
        const { proxy, gpuBridge, run } = await throughProxy(ANOTHER_MACHINE, A_GPU);
        try {
          const first = await run();
          expect(first.error).toBeUndefined();
          expect(requestedIn(proxy.creates[0])).toBeUndefined();
          expect(JSON.parse(await engineCli('inspect', '--format', GPU_REQUEST, 'bst_run-gpu'))).toEqual(
            noGpu,
          );
          expect(first.result?.notice).toBe(
            `Podman at ${proxy.host} does not report whether its computer has an NVIDIA GPU, and the bridge cannot look there: Podman containers there start without a GPU.`,
          );
          await removeContainer('bst_run-gpu');
          expect((await run()).result).toEqual({});
        } finally {
          await gpuBridge.close();
        }
      });
    }
  });
});
