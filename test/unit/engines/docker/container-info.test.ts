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

  it('lists the volumes asked for in order, paths whole', () => {
    const created = toContainerInfo({
      Name: 'x',
      Image: `sha256:${id}`,
      HostConfig: { Mounts: [{ Source: 'C:\\data dir', Target: '/data' }] },
    });
    expect(created.volumes).toEqual([['C:\\data dir', '/data']]);
    // Podman reports every mount as a bind spec, which a path with ':' makes ambiguous.
    const podman = toContainerInfo({
      Name: 'x',
      Image: id,
      HostConfig: { Binds: ['/b:c:/second:rw,rprivate,rbind', '/a:/first:rw'] },
      Mounts: [
        { Type: 'bind', Source: '/a', Destination: '/first' },
        { Type: 'bind', Source: '/b:c', Destination: '/second' },
      ],
    });
    expect(podman.volumes).toEqual([
      ['/b:c', '/second'],
      ['/a', '/first'],
    ]);
    const named = toContainerInfo({
      Name: 'x',
      Image: id,
      Mounts: [{ Type: 'volume', Name: 'cache', Destination: '/cache' }],
    });
    expect(named.volumes).toEqual([['cache', '/cache']]);
  });
});
