import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDockerEndpoint } from '../../../../src/engines/docker/endpoint.js';

// The Docker CLI's rules, read in docker/cli v29.7.2: cli/flags/options.go (environment),
// cli/context/docker/load.go (contexts), cli/command/cli.go (which one applies), opts/hosts.go.
describe('TLS settings, as the Docker CLI takes them', () => {
  let home: string;
  const docker = () => join(home, '.docker');
  const resolve = (env: NodeJS.ProcessEnv) =>
    resolveDockerEndpoint({ env, home, platform: 'linux', exists: existsSync });
  const files = async (folder: string, names: string[]) => {
    await mkdir(folder, { recursive: true });
    for (const name of names) await writeFile(join(folder, name), `${name}\n`);
  };
  const addContext = async (name: string, endpoint: Record<string, unknown>, tlsFiles?: string[]) => {
    const id = createHash('sha256').update(name).digest('hex');
    await mkdir(join(docker(), 'contexts/meta', id), { recursive: true });
    await writeFile(
      join(docker(), 'contexts/meta', id, 'meta.json'),
      JSON.stringify({ Name: name, Endpoints: { docker: endpoint } }),
    );
    const folder = join(docker(), 'contexts/tls', id, 'docker');
    if (tlsFiles) await files(folder, tlsFiles);
    return folder;
  };

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'bst-tls-settings-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('no TLS without DOCKER_TLS_VERIFY or DOCKER_TLS: plain HTTP, even with a certificate folder', async () => {
    await files(docker(), ['ca.pem', 'cert.pem', 'key.pem']);
    expect(resolve({ DOCKER_HOST: 'tcp://engine.example:2375' })).toEqual({
      kind: 'tcp',
      origin: 'http://engine.example:2375',
      description: 'tcp://engine.example:2375',
    });
  });

  it('DOCKER_TLS_VERIFY (any value, even 0): verified, the files of ~/.docker', async () => {
    await files(docker(), ['ca.pem', 'cert.pem', 'key.pem']);
    for (const value of ['1', '0', 'false'])
      expect(resolve({ DOCKER_HOST: 'tcp://engine.example:2376', DOCKER_TLS_VERIFY: value })).toMatchObject({
        kind: 'tcp',
        origin: 'http://engine.example:2376',
        tls: {
          verify: true,
          ca: join(docker(), 'ca.pem'),
          cert: join(docker(), 'cert.pem'),
          key: join(docker(), 'key.pem'),
          folder: docker(),
        },
      });
    expect(resolve({ DOCKER_HOST: 'tcp://engine.example:2376', DOCKER_TLS_VERIFY: '' })).not.toHaveProperty(
      'tls',
    );
  });

  it('DOCKER_TLS alone: encrypted, not verified; DOCKER_CERT_PATH, then DOCKER_CONFIG, name the folder', async () => {
    const certs = join(home, 'certs');
    await files(certs, ['ca.pem', 'cert.pem', 'key.pem']);
    expect(resolve({ DOCKER_HOST: 'tcp://e:2376', DOCKER_TLS: '1', DOCKER_CERT_PATH: certs })).toMatchObject({
      tls: { verify: false, ca: join(certs, 'ca.pem'), cert: join(certs, 'cert.pem'), folder: certs },
    });
    const config = join(home, 'config');
    expect(
      resolve({ DOCKER_HOST: 'tcp://e:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: config }),
    ).toMatchObject({
      tls: { verify: true, ca: join(config, 'ca.pem'), folder: config },
    });
  });

  it('always names ca.pem (the CLI fails without it), a client certificate only when both files exist', async () => {
    const certs = join(home, 'certs');
    await files(certs, ['cert.pem']);
    const endpoint = resolve({
      DOCKER_HOST: 'tcp://e:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certs,
    });
    expect(endpoint).toEqual({
      kind: 'tcp',
      origin: 'http://e:2376',
      description: 'tcp://e:2376',
      tls: { verify: true, ca: join(certs, 'ca.pem'), folder: certs },
    });
  });

  it('TLS without DOCKER_HOST is tcp://localhost:2376; tcp:// without a port is 2375, TLS or not', () => {
    expect(resolve({ DOCKER_TLS_VERIFY: '1' })).toMatchObject({
      origin: 'http://localhost:2376',
      description: 'tcp://localhost:2376',
      tls: { verify: true },
    });
    expect(resolve({ DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '1' })).toMatchObject({
      origin: 'http://engine.example:2375',
      tls: { verify: true },
    });
  });

  it('TLS settings are for TCP: a unix:// DOCKER_HOST ignores them', () => {
    expect(resolve({ DOCKER_HOST: 'unix:///x.sock', DOCKER_TLS_VERIFY: '1' })).toEqual({
      kind: 'socket',
      socketPath: '/x.sock',
      description: 'unix:///x.sock',
    });
  });

  it("a context's TLS folder: verified against its ca.pem, with its client certificate", async () => {
    const folder = await addContext('secure', { Host: 'tcp://engine.example:2376' }, [
      'ca.pem',
      'cert.pem',
      'key.pem',
    ]);
    expect(resolve({ DOCKER_CONTEXT: 'secure' })).toEqual({
      kind: 'tcp',
      origin: 'http://engine.example:2376',
      description: 'tcp://engine.example:2376',
      tls: {
        verify: true,
        ca: join(folder, 'ca.pem'),
        cert: join(folder, 'cert.pem'),
        key: join(folder, 'key.pem'),
        folder,
        context: 'secure',
      },
    });
  });

  it("a context's TLS folder without ca.pem: the system's CAs; SkipTLSVerify: encrypted only", async () => {
    const folder = await addContext('system-ca', { Host: 'tcp://engine.example:2376' }, [
      'cert.pem',
      'key.pem',
    ]);
    expect(resolve({ DOCKER_CONTEXT: 'system-ca' })).toMatchObject({
      tls: { verify: true, cert: join(folder, 'cert.pem'), folder, context: 'system-ca' },
    });
    expect(resolve({ DOCKER_CONTEXT: 'system-ca' })).not.toHaveProperty('tls.ca');
    await addContext('skip', { Host: 'tcp://engine.example:2376', SkipTLSVerify: true });
    expect(resolve({ DOCKER_CONTEXT: 'skip' })).toMatchObject({ tls: { verify: false, context: 'skip' } });
  });

  it("a context without TLS folder or SkipTLSVerify is plain; its TLS is not the environment's", async () => {
    await files(docker(), ['ca.pem', 'cert.pem', 'key.pem']);
    await addContext('plain', { Host: 'tcp://engine.example:2375' });
    await writeFile(join(docker(), 'config.json'), JSON.stringify({ currentContext: 'plain' }));
    expect(resolve({ DOCKER_TLS_VERIFY: '1' })).toEqual({
      kind: 'tcp',
      origin: 'http://engine.example:2375',
      description: 'tcp://engine.example:2375',
    });
    // DOCKER_HOST chooses the default context: the environment's TLS, not the context's.
    expect(resolve({ DOCKER_HOST: 'tcp://other:2376', DOCKER_TLS_VERIFY: '1' })).toMatchObject({
      origin: 'http://other:2376',
      tls: { verify: true, folder: docker() },
    });
  });
});
