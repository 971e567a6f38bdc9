import type { EngineDialect } from '../docker/dialect.js';

export const podmanDialect: EngineDialect = {
  engine: 'podman',
  // Podman's compat API ignores Docker's DeviceRequests and takes CDI device names instead (it
  // needs the NVIDIA Container Toolkit's CDI spec on the host, which names each GPU by its index
  // and all of them `all`).
  gpuRequest: (gpus) => ({
    Devices: (gpus === 'all' ? ['all'] : gpus).map((name) => ({
      PathOnHost: `nvidia.com/gpu=${name}`,
      PathInContainer: '',
      CgroupPermissions: 'rwm',
    })),
  }),
  // Podman reports no CDI device: neither /libpod/info (libpod/define/info.go@v4.3.1, @v5.8.2) nor
  // its compat /info, whose Runtimes are those containers.conf names, installed or not
  // (pkg/api/handlers/compat/info.go@v4.3.1, @v5.8.2), and a GPU is a CDI device, not a runtime.
  reportsGpu: async () => undefined,
  // The CDI registry lacks a device name asked for (container-device-interface's cache, as Podman
  // vendors it).
  isGpuRefusal: (message) => /unresolvable CDI devices/.test(message),
  // Podman 4 lists digests always and fails on `digests` (with an empty 200 answer, as it does
  // when it has no image).
  imageListQuery: { all: true },
  // Podman reports a layer's bytes once a second, then stores it without a word (5 s a GiB here)
  // and only then says it is complete: once its rate would have brought the rest within two
  // reports, its silence is not a stall.
  pullReportProjectionMs: 2000,
  // Podman answers 500 where Docker answers 409.
  isNameInUse: (error) => error.statusCode === 409 || error.message.includes('already in use'),
  // Rootless Podman maps the container's root to the user; its compat /info does not say it is
  // rootless (4.3), its own /libpod/info does.
  rootIsHostRoot: async (api) => {
    const info = await api.json<{ host?: { security?: { rootless?: boolean } } }>({ path: '/libpod/info' });
    return info.host?.security?.rootless === false;
  },
};
