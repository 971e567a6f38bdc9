import { describe, expect, it } from 'vitest';
import { callerUserConfig, isRootfulDockerOnLinux } from '../../../../src/engines/docker/bind-owner.js';

describe("whose files a Docker container writes in a bind, from the engine's /info", () => {
  it("rootful Docker Engine on Linux: the container's root is the host's", () => {
    expect(
      isRootfulDockerOnLinux({
        OSType: 'linux',
        OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
        SecurityOptions: ['name=seccomp,profile=default'],
      }),
    ).toBe(true);
  });

  it("rootless Docker (name=rootless among its security options): the container's root is the user", () => {
    expect(
      isRootfulDockerOnLinux({
        OSType: 'linux',
        OperatingSystem: 'Ubuntu 24.04 LTS',
        SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'],
      }),
    ).toBe(false);
  });

  it('Docker Desktop, which names itself in its operating system, and Windows containers: not', () => {
    expect(
      isRootfulDockerOnLinux({
        OSType: 'linux',
        OperatingSystem: 'Docker Desktop',
        SecurityOptions: ['name=seccomp,profile=unconfined'],
      }),
    ).toBe(false);
    expect(isRootfulDockerOnLinux({ OSType: 'windows', OperatingSystem: 'Windows Server 2022' })).toBe(false);
  });

  it('runs as the caller with a private HOME it owns', () => {
    expect(callerUserConfig({ uid: 1000, gid: 100 })).toEqual({
      User: '1000:100',
      Env: ['HOME=/tmp/bst-containers-home'],
      Tmpfs: { '/tmp/bst-containers-home': 'uid=1000,gid=100,mode=0700' },
    });
  });
});
