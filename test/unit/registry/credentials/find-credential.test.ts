import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCredential } from '../../../../src/registry/credentials/find-credential.js';
import { registryAuthHeader } from '../../../../src/registry/credentials/registry-auth-header.js';

const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('logins as the CLIs keep them', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;

  const write = async (path: string, content: unknown) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  };

  /** A credential helper on the PATH: prints `stdout`, exits `code`; records the server it was asked for. */
  const helper = async (name: string, stdout: string, code = 0) => {
    const path = join(home, 'bin', `docker-credential-${name}`);
    await write(
      path,
      `#!/usr/bin/env python3\nimport sys\nopen(${JSON.stringify(join(home, `${name}.asked`))}, 'w').write(sys.stdin.read())\nprint(${JSON.stringify(stdout)})\nsys.exit(${code})\n`,
    );
    await chmod(path, 0o755);
  };

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'bst-logins-unit-'));
    env = { HOME: home, PATH: `${join(home, 'bin')}:/usr/bin:/bin`, XDG_RUNTIME_DIR: join(home, 'run') };
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("reads Docker's auths (auth, identitytoken), whatever form the key has, Docker Hub's included", async () => {
    await write(join(home, '.docker/config.json'), {
      auths: {
        'https://index.docker.io/v1/': { auth: auth('hub-user', 'hub:pass') },
        'https://lab.example:5000': { auth: auth('lab', 'pw') },
        'tok.example': { identitytoken: 'refresh-1' },
      },
    });
    expect(await findCredential('docker.io', 'docker', env)).toEqual({
      kind: 'password',
      username: 'hub-user',
      password: 'hub:pass',
      source: join(home, '.docker/config.json'),
    });
    expect(await findCredential('lab.example:5000', 'docker', env)).toMatchObject({
      username: 'lab',
      password: 'pw',
    });
    expect(await findCredential('tok.example', 'docker', env)).toMatchObject({
      kind: 'identity-token',
      identityToken: 'refresh-1',
    });
    expect(await findCredential('other.example', 'docker', env)).toBeUndefined();
    // DOCKER_CONFIG moves the folder.
    expect(
      await findCredential('lab.example:5000', 'docker', { ...env, DOCKER_CONFIG: join(home, 'none') }),
    ).toBeUndefined();
  });

  it("follows Podman's order: REGISTRY_AUTH_FILE alone, else the runtime file, the config one, then Docker's", async () => {
    await write(join(home, 'run/containers/auth.json'), {
      auths: { 'a.example': { auth: auth('runtime', '1') } },
    });
    await write(join(home, '.config/containers/auth.json'), {
      auths: { 'a.example': { auth: auth('config', '2') }, 'b.example': { auth: auth('config', '2') } },
    });
    await write(join(home, '.docker/config.json'), { auths: { 'c.example': { auth: auth('docker', '3') } } });
    expect(await findCredential('a.example', 'podman', env)).toMatchObject({ username: 'runtime' });
    expect(await findCredential('b.example', 'podman', env)).toMatchObject({ username: 'config' });
    expect(await findCredential('c.example', 'podman', env)).toMatchObject({ username: 'docker' });
    expect(await findCredential('c.example', 'docker', env)).toMatchObject({ username: 'docker' });
    expect(await findCredential('a.example', 'docker', env)).toBeUndefined();
    const only = join(home, 'only.json');
    await write(only, { auths: { 'd.example': { auth: auth('only', '4') } } });
    expect(await findCredential('d.example', 'podman', { ...env, REGISTRY_AUTH_FILE: only })).toMatchObject({
      username: 'only',
    });
    expect(await findCredential('c.example', 'podman', { ...env, REGISTRY_AUTH_FILE: only })).toBeUndefined();
    // The bridge's own requests also read Docker's file when REGISTRY_AUTH_FILE is set.
    expect(await findCredential('c.example', 'any', { ...env, REGISTRY_AUTH_FILE: only })).toMatchObject({
      username: 'docker',
    });
  });

  it('asks credHelpers before credsStore, with the server on stdin; <token> is an identity token', async () => {
    await helper('per-registry', JSON.stringify({ ServerURL: 'lab.example', Username: 'lab', Secret: 's1' }));
    await helper('store', JSON.stringify({ ServerURL: 'x', Username: '<token>', Secret: 'refresh-2' }));
    await write(join(home, '.docker/config.json'), {
      credsStore: 'store',
      credHelpers: { 'lab.example': 'per-registry' },
      auths: { 'lab.example': { auth: auth('ignored', 'x') } },
    });
    expect(await findCredential('lab.example', 'docker', env)).toEqual({
      kind: 'password',
      username: 'lab',
      password: 's1',
      source: `docker-credential-per-registry (credHelpers in ${join(home, '.docker/config.json')})`,
    });
    expect(await findCredential('docker.io', 'docker', env)).toMatchObject({
      kind: 'identity-token',
      identityToken: 'refresh-2',
    });
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(home, 'store.asked'), 'utf8')).toBe('https://index.docker.io/v1/');
    expect(await readFile(join(home, 'per-registry.asked'), 'utf8')).toBe('lab.example');
  });

  it('a helper with no login is none; one missing, failing or printing garbage is -32030 without its output', async () => {
    const config = (store: string) => write(join(home, '.docker/config.json'), { credsStore: store });
    await helper('empty', 'credentials not found in native keychain', 1);
    await config('empty');
    expect(await findCredential('lab.example', 'docker', env)).toBeUndefined();
    await config('missing');
    await expect(findCredential('lab.example', 'docker', env)).rejects.toMatchObject({
      code: -32030,
      message: expect.stringContaining('docker-credential-missing (credsStore in'),
    });
    await helper('failing', '', 3);
    await config('failing');
    await expect(findCredential('lab.example', 'docker', env)).rejects.toMatchObject({
      message: expect.stringContaining('failed (exit code 3)'),
    });
    await helper('garbage', 'Secret: hunter2 <html>');
    await config('garbage');
    const error = await findCredential('lab.example', 'docker', env).catch((caught: Error) => caught);
    expect((error as Error).message).toContain('did not answer with the JSON login credential helpers give');
    expect(JSON.stringify([(error as Error).message, (error as { data?: unknown }).data])).not.toContain(
      'hunter2',
    );
  });

  it('a helper that hangs (a password prompt, a locked keychain) is given up after the stall time', async () => {
    const path = join(home, 'bin', 'docker-credential-hangs');
    await write(path, '#!/bin/sh\nexec sleep 60\n');
    await chmod(path, 0o755);
    await write(join(home, '.docker/config.json'), { credsStore: 'hangs' });
    const before = process.env.BST_CONTAINERS_STALL_SECONDS;
    process.env.BST_CONTAINERS_STALL_SECONDS = '1';
    try {
      await expect(findCredential('lab.example', 'docker', env)).rejects.toMatchObject({
        code: -32030,
        message: expect.stringContaining('docker-credential-hangs (credsStore in'),
      });
      await expect(findCredential('lab.example', 'docker', env)).rejects.toThrow(/did not answer within 1 s/);
    } finally {
      if (before === undefined) delete process.env.BST_CONTAINERS_STALL_SECONDS;
      else process.env.BST_CONTAINERS_STALL_SECONDS = before;
    }
  });

  it('X-Registry-Auth is the padded base64url JSON the Docker CLI sends', () => {
    const header = registryAuthHeader(
      { kind: 'password', username: 'u', password: 'p?>', source: 'f' },
      'lab.example',
    );
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      username: 'u',
      password: 'p?>',
      serveraddress: 'lab.example',
    });
  });
});
