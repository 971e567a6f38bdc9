import type { EngineName } from '../../shared/engine-names.js';
import type { GpuSelection } from '../gpu-selection.js';
import { dockerRootIsHostRoot } from './bind-owner.js';
import type { DockerApi, EngineHttpError } from './docker-api.js';
import { dockerReportsGpu } from './gpu-report.js';

/**
 * Where an engine serving the Docker Engine API differs from Docker. Chosen once, when the
 * engine is connected: Docker's here, Podman's in podman/podman-dialect.ts.
 */
export interface EngineDialect {
  readonly engine: Extract<EngineName, 'docker' | 'podman'>;
  /** What asks for these GPUs in a container's HostConfig. */
  gpuRequest(gpus: GpuSelection): Record<string, unknown>;
  /** Whether the engine's refusal of a container is that it cannot give it the GPUs asked for. */
  isGpuRefusal(engineMessage: string): boolean;
  /**
   * Whether the engine reports an NVIDIA GPU on its machine: true when it does, false when it
   * reports none (which does not prove there is none), undefined when it reports nothing of GPUs.
   */
  reportsGpu(api: DockerApi): Promise<boolean | undefined>;
  /** The query of the image list. */
  readonly imageListQuery: Record<string, boolean>;
  /**
   * How far a layer's last transfer rate may be projected when the engine falls silent during a
   * pull (0: not at all): an engine that reports bytes only now and then is not stalled.
   */
  readonly pullReportProjectionMs: number;
  /** The engine's refusal of a container name already taken. */
  isNameInUse(error: EngineHttpError): boolean;
  /** Whether a container's root is the host's root, so that it owns what it writes in a bind. */
  rootIsHostRoot(api: DockerApi): Promise<boolean>;
}

export const dockerDialect: EngineDialect = {
  engine: 'docker',
  // What `docker run --gpus all` and `--gpus '"device=0,2"'` send (opts/gpus.go of docker/cli):
  // Count 0 beside DeviceIDs, as Docker refuses both ("cannot set both Count and DeviceIDs",
  // daemon/nvidia_linux.go@v20.10.24, daemon/devices_nvidia_linux.go@docker-v29.7.2).
  gpuRequest: (gpus) => ({
    DeviceRequests: [
      gpus === 'all'
        ? { Driver: '', Count: -1, Capabilities: [['gpu']] }
        : { Driver: '', Count: 0, DeviceIDs: [...gpus], Capabilities: [['gpu']] },
    ],
  }),
  // No driver serves the request (daemon/errors.go@v20.10.24, incompatibleDeviceRequest), or the
  // CDI cache lacks a device (tags.cncf.io/container-device-interface pkg/cdi/cache.go, vendored
  // @docker-v29.7.2).
  isGpuRefusal: (message) => /could not select device driver|unresolvable CDI devices/.test(message),
  reportsGpu: dockerReportsGpu,
  imageListQuery: { all: true, digests: true },
  pullReportProjectionMs: 0,
  isNameInUse: (error) => error.statusCode === 409,
  rootIsHostRoot: dockerRootIsHostRoot,
};
