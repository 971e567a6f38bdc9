import { describe, expect, it } from 'vitest';
import { type GpuInfo, infoReportsGpu } from '../../../../src/engines/docker/gpu-report.js';

// Shapes of `GET /info` as Docker answers them (api/types/system/info.go@v28.2.0).
const RUNC = { runc: { path: 'runc' }, 'io.containerd.runc.v2': { path: 'runc' } };

describe("Docker's /info, read for an NVIDIA GPU", () => {
  it.each<[string, GpuInfo]>([
    [
      'the nvidia runtime that `nvidia-ctk runtime configure` registers',
      { Runtimes: { ...RUNC, nvidia: { path: 'nvidia-container-runtime' } } },
    ],
    [
      'a runtime of another name running the NVIDIA runtime',
      { Runtimes: { ...RUNC, gpu: { path: '/usr/bin/nvidia-container-runtime' } } },
    ],
    [
      'a GPU found by the CDI driver (Docker 28.2+)',
      { Runtimes: RUNC, DiscoveredDevices: [{ Source: 'cdi', ID: 'nvidia.com/gpu=0' }] },
    ],
    ['every GPU as one CDI device', { DiscoveredDevices: [{ Source: 'cdi', ID: 'nvidia.com/gpu=all' }] }],
  ])('reports a GPU: %s', (_, info) => {
    expect(infoReportsGpu(info)).toBe(true);
  });

  it.each<[string, GpuInfo | undefined]>([
    ['runc only', { Runtimes: RUNC }],
    [
      'CDI spec folders and nothing in them',
      { Runtimes: RUNC, CDISpecDirs: ['/etc/cdi', '/var/run/cdi'] } as GpuInfo,
    ],
    ['an empty device list', { Runtimes: RUNC, DiscoveredDevices: [] }],
    ['a CDI device of another vendor', { DiscoveredDevices: [{ Source: 'cdi', ID: 'vendor.com/fpga=0' }] }],
    [
      'an NVIDIA name from another driver',
      { DiscoveredDevices: [{ Source: 'other', ID: 'nvidia.com/gpu=0' }] },
    ],
    ['an answer without the fields', {}],
    ['no answer', undefined],
  ])('reports none: %s', (_, info) => {
    expect(infoReportsGpu(info)).toBe(false);
  });
});
