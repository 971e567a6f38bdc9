import { afterAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { ENGINE, ENGINE_LOCATION, engineCli, engineCliOk, removeContainer } from '../helpers/engine-cli.js';
import { GpuHostProxy, type RecordedCreate } from '../helpers/gpu-host-proxy.js';
import { HOST_GPU } from '../helpers/host.js';
import { BASE_IMAGE } from '../helpers/paths.js';

// Issue 17, point 4: inside a Slurm job (SLURM_JOB_ID in the bridge's environment), useGpu asks
// the engine for the job's GPUs on this node only. What the bridge asks is recorded by a proxy
// on the engine's socket; the real engine then answers it (this host has no NVIDIA hardware).
const ENGINE_SOCKET = ENGINE_LOCATION.replace(/^unix:\/\//, '');
const HOST_VARIABLE = ENGINE === 'docker' ? 'DOCKER_HOST' : 'CONTAINER_HOST';
const NAME = 'bst_slurm-gpu';
const proxies: GpuHostProxy[] = [];

/** A bridge in job 123 with `jobEnv`, reaching this machine's engine through a recording proxy. */
const inJob = async (jobEnv: Record<string, string>) => {
  const proxy = await GpuHostProxy.start(ENGINE_SOCKET);
  proxies.push(proxy);
  const bridge = new BridgeClient({ env: { [HOST_VARIABLE]: proxy.host, SLURM_JOB_ID: '123', ...jobEnv } });
  const run = () =>
    bridge.request('RunContainer', {
      containerName: NAME,
      imageSha: BASE_IMAGE,
      isDaemon: true,
      useGpu: true,
    });
  return { proxy, bridge, run };
};

/** What the bridge's create asked for. */
const requestedIn = (create: RecordedCreate | undefined) =>
  ENGINE === 'docker' ? create?.body.HostConfig?.DeviceRequests : create?.body.HostConfig?.Devices;

/** The request for these GPUs of the node, as each engine takes it. */
const requestFor = (indices: string[]) =>
  ENGINE === 'docker'
    ? [{ Driver: '', Count: 0, DeviceIDs: indices, Capabilities: [['gpu']] }]
    : indices.map((index) => ({
        PathOnHost: `nvidia.com/gpu=${index}`,
        PathInContainer: '',
        CgroupPermissions: 'rwm',
      }));

/**
 * The engine's refusal of that request on a host without the NVIDIA toolkit. Podman's compat API
 * hands each device on as `PathOnHost:PathInContainer:CgroupPermissions`
 * (pkg/api/handlers/compat/containers_create.go@v4.3.1, the same @v5.8.2), so the CDI names it
 * looks up end in `::rwm`: a known limitation of the compat API, which no name resolves on a GPU
 * host either (Podman 5.4 takes CDI names as DeviceRequests of the `cdi` driver instead).
 */
const refusalOf = (indices: string[]) =>
  ENGINE === 'docker'
    ? /could not select device driver "" with capabilities: \[\[gpu\]\]/
    : `unresolvable CDI devices ${indices.map((index) => `nvidia.com/gpu=${index}::rwm`).join(', ')})`;

afterAll(async () => {
  await removeContainer(NAME);
  for (const proxy of proxies) await proxy.close();
});

describe(`useGpu in a Slurm job, on this host ${HOST_GPU ? 'with an NVIDIA GPU' : 'without a GPU'}`, () => {
  it.each([
    ['SLURM_JOB_GPUS (a batch script)', { SLURM_JOB_GPUS: '0,2', CUDA_VISIBLE_DEVICES: '0,1' }, ['0', '2']],
    [
      "SLURM_STEP_GPUS (a step given fewer than its job), not the job's",
      { SLURM_JOB_GPUS: '0,1,2,3', SLURM_STEP_GPUS: '1,3', CUDA_VISIBLE_DEVICES: '0,1' },
      ['1', '3'],
    ],
  ])(
    "asks for the node's GPUs of %s, never the renumbered CUDA_VISIBLE_DEVICES",
    async (_, jobEnv, indices) => {
      await removeContainer(NAME);
      const { proxy, bridge, run } = await inJob(jobEnv);
      try {
        const response = await run();
        expect(proxy.creates.map((create) => create.name)).toEqual([NAME]);
        expect(requestedIn(proxy.creates[0])).toEqual(requestFor(indices));
        // Slurm said which GPUs are the job's: the engine is not asked whether it has any.
        expect(proxy.infoPaths.filter((path) => path === '/info')).toEqual([]);
        if (HOST_GPU) {
          // A GPU host may lack those indices: then the engine refuses, and nothing is left.
          if (response.error) expect(await engineCliOk('container', 'inspect', NAME)).toBe(false);
          return;
        }
        // The real engine has no NVIDIA hardware or toolkit: it refuses what it was asked for.
        expect(response.error?.code).toBe(-32004);
        expect(response.error?.message).toMatch(
          new RegExp(
            `^Could not (create|start) container ${NAME}: ${ENGINE === 'docker' ? 'Docker' : 'Podman'} cannot give it the GPUs ${indices.join(', ')} of its machine \\(`,
          ),
        );
        expect(response.error?.message).toMatch(refusalOf(indices));
        expect(response.error?.message).toContain('NVIDIA Container Toolkit');
        expect(await engineCliOk('container', 'inspect', NAME)).toBe(false);
      } finally {
        await bridge.close();
      }
    },
  );

  it('a job given no GPU starts the container without a GPU request, even where the engine reports one, and says why once', async () => {
    await removeContainer(NAME);
    const { proxy, bridge, run } = await inJob({});
    proxy.reportNvidiaRuntime = true;
    try {
      const first = await run();
      expect(first.error).toBeUndefined();
      expect(requestedIn(proxy.creates[0])).toBeUndefined();
      const gpuField =
        ENGINE === 'docker' ? '{{json .HostConfig.DeviceRequests}}' : '{{json .HostConfig.Devices}}';
      expect(JSON.parse(await engineCli('inspect', '--format', gpuField, NAME))).toEqual(
        ENGINE === 'docker' ? null : [],
      );
      const label = ENGINE === 'docker' ? 'Docker' : 'Podman';
      expect(first.result?.notice).toBe(
        `Slurm job 123 was given no GPU on this node (neither SLURM_STEP_GPUS nor SLURM_JOB_GPUS is set): ${label} containers start without a GPU rather than take other jobs' GPUs. Ask for one in the job (\`#SBATCH --gres=gpu:1\` or \`--gpus=1\`).`,
      );
      await removeContainer(NAME);
      expect((await run()).result).toEqual({});
      expect(requestedIn(proxy.creates[1])).toBeUndefined();
      expect(proxy.infoPaths.filter((path) => path === '/info')).toEqual([]);
    } finally {
      await bridge.close();
    }
  });
});
