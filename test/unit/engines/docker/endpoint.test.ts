import { describe, expect, it } from 'vitest';
import { parseDockerHost, resolveDockerEndpoint } from '../../../../src/engines/docker/endpoint.js';

const environment = (env: NodeJS.ProcessEnv, existing: string[], platform: NodeJS.Platform = 'linux') => ({
  env,
  platform,
  home: '/home/me',
  exists: (path: string) => existing.includes(path),
});

describe('Docker endpoint', () => {
  it('parses DOCKER_HOST forms', () => {
    expect(parseDockerHost('unix:///run/user/1000/docker.sock')).toMatchObject({
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toMatchObject({
      kind: 'tcp',
      origin: 'http://127.0.0.1:2375',
    });
    expect(parseDockerHost('npipe:////./pipe/docker_engine')).toMatchObject({
      socketPath: '//./pipe/docker_engine',
    });
  });

  it('completes a TCP address as the Docker CLI does (opts/hosts.go@v29.7.2, ParseTCPAddr)', () => {
    const completed = (host: string) => {
      const endpoint = parseDockerHost(host);
      return endpoint.kind === 'tcp' ? [endpoint.origin, endpoint.description] : endpoint.kind;
    };
    expect(completed('tcp://engine.example')).toEqual([
      'http://engine.example:2375',
      'tcp://engine.example:2375',
    ]);
    expect(completed('tcp://')).toEqual(['http://localhost:2375', 'tcp://localhost:2375']);
    expect(completed('tcp://:2376')).toEqual(['http://localhost:2376', 'tcp://localhost:2376']);
    expect(completed('tcp://[::1]:2376')).toEqual(['http://[::1]:2376', 'tcp://[::1]:2376']);
    // Port 80 stays written: the origin becomes https:// with TLS, whose default port is 443.
    expect(completed('tcp://engine.example:80')).toEqual([
      'http://engine.example:80',
      'tcp://engine.example:80',
    ]);
    expect(() => parseDockerHost('fd://3')).toThrow('is not a unix://, npipe://, tcp:// or ssh:// address');
  });

  it('takes DOCKER_HOST first, then the first default socket that exists', () => {
    expect(resolveDockerEndpoint(environment({ DOCKER_HOST: 'unix:///x.sock' }, [])).description).toBe(
      'unix:///x.sock',
    );
    // Without a scheme, as the Docker CLI: TCP (opts/hosts.go@v29.7.2).
    expect(resolveDockerEndpoint(environment({ DOCKER_HOST: 'engine.example:2376' }, [])).description).toBe(
      'tcp://engine.example:2376',
    );
    expect(resolveDockerEndpoint(environment({}, ['/home/me/.docker/desktop/docker.sock'])).description).toBe(
      'unix:///home/me/.docker/desktop/docker.sock',
    );
    expect(
      resolveDockerEndpoint(environment({ XDG_RUNTIME_DIR: '/run/user/1' }, ['/run/user/1/docker.sock']))
        .description,
    ).toBe('unix:///run/user/1/docker.sock');
    expect(resolveDockerEndpoint(environment({}, [])).description).toBe('unix:///var/run/docker.sock');
    expect(resolveDockerEndpoint(environment({}, [], 'win32')).description).toBe(
      'npipe:////./pipe/docker_engine',
    );
  });
});
