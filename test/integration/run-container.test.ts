import { existsSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { ENGINE, ENGINE_LOCATION, engineCli, engineCliOk, removeContainer } from '../helpers/engine-cli.js';
import { ANOTHER_MACHINE, GpuHostProxy, type RecordedCreate } from '../helpers/gpu-host-proxy.js';
import { HOST_GPU } from '../helpers/host.js';
import { BASE_IMAGE, callerPath, callerTempDir, giveToCaller } from '../helpers/paths.js';

const FAILING_IMAGE = 'bst-test/failing:1';

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

  it('creates a missing host folder, as `docker run -v` did for the seed', async () => {
    const missing = join(hostRoot, 'not', 'yet');
    const response = await bridge.request('RunContainer', {
      containerName: 'bst_run-mkdir',
      imageSha: BASE_IMAGE,
      volumes: [missing, '/data'],
    });
    expect(response.result).toEqual({ cmdout: 'entrypoint-ran\n' });
    expect(existsSync(missing)).toBe(true);
  });

  it('several volumes, in order, with paths holding spaces and colons', async () => {
    const first = join(hostRoot, 'a b');
    const second = join(hostRoot, 'c:d');
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
            // The engine's refusal names what it was asked for.
            expect(response.error?.code).toBe(-32004);
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
});
