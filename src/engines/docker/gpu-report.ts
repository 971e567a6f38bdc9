import type { DockerApi } from './docker-api.js';

/** What `GET /info` says of GPUs (api/types/system/info.go@v28.2.0). */
export interface GpuInfo {
  Runtimes?: Record<string, { path?: string }>;
  /** Docker 28.2 (API 1.50) and later: the devices of its device drivers, CDI's among them. */
  DiscoveredDevices?: { Source?: string; ID?: string }[];
}

/** The NVIDIA Container Toolkit's runtime, as `nvidia-ctk runtime configure` registers it. */
const isNvidiaRuntime = ([name, runtime]: [string, { path?: string }]) =>
  name === 'nvidia' || /(^|\/)nvidia-container-runtime/.test(runtime?.path ?? '');

/**
 * Whether Docker's machine has an NVIDIA GPU, as Docker reports it: the toolkit's `nvidia`
 * runtime, or a `nvidia.com/gpu` device that its CDI driver found. Neither is false, not "no GPU":
 * `--gpus` also works through the toolkit's hook alone, which Docker finds on its PATH and does
 * not report (daemon/nvidia_linux.go@v28.2.0, daemon/devices_nvidia_linux.go@docker-v29.7.2).
 * CDISpecDirs says where specs would be, not that one is there.
 */
export const infoReportsGpu = (info: GpuInfo | undefined): boolean =>
  Object.entries(info?.Runtimes ?? {}).some(isNvidiaRuntime) ||
  (info?.DiscoveredDevices ?? []).some(
    // The daemon names a device's Source by its driver, CDI's is "cdi" (daemon/cdi.go@v28.2.0).
    (device) => device.Source === 'cdi' && device.ID?.startsWith('nvidia.com/gpu') === true,
  );

/** At Docker's own API version: below 1.50 it leaves DiscoveredDevices out (api/server/router/system/system_routes.go@v28.2.0). */
export const dockerReportsGpu = async (api: DockerApi): Promise<boolean> =>
  infoReportsGpu(await api.json<GpuInfo>({ path: '/info', unversioned: true }));
