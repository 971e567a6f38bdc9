import { describe, expect, it } from 'vitest';
import { toContainerInfo } from '../../../../src/engines/docker/container-info.js';

const id = 'a'.repeat(64);

describe('toContainerInfo', () => {
  it('strips the leading / of the name and adds sha256: where an engine leaves it out (Podman)', () => {
    expect(toContainerInfo({ Name: '/bst_x', Image: id, State: { Running: true } })).toEqual({
      name: 'bst_x',
      isRunning: true,
      volumes: [],
      imageSha: `sha256:${id}`,
    });
  });

  it('lists the volumes asked for in order, then falls back to the mounts the engine reports', () => {
    const asked = toContainerInfo({
      Name: 'x',
      Image: `sha256:${id}`,
      HostConfig: { Mounts: [{ Source: 'C:\\data dir', Target: '/data' }], Binds: ['/a b:/b:ro'] },
    });
    expect(asked.volumes).toEqual([
      ['C:\\data dir', '/data'],
      ['/a b', '/b'],
    ]);
    const reported = toContainerInfo({
      Name: 'x',
      Image: id,
      Mounts: [
        { Type: 'volume', Name: 'cache', Destination: '/cache' },
        { Type: 'bind', Source: '/h', Destination: '/c' },
      ],
    });
    expect(reported.volumes).toEqual([
      ['cache', '/cache'],
      ['/h', '/c'],
    ]);
  });
});
