import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, engineCli, removeImageQuietly } from '../../helpers/engine-cli.js';
import {
  AUTH_REGISTRY,
  credentialHelpersDir,
  pushToAuthRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  TEST_CA,
  writeCredentialStore,
} from '../../helpers/network-peers.js';
import { BASE_IMAGE, callerPath, callerTempDir, giveToCaller, REGISTRY_IMAGE } from '../../helpers/paths.js';
import { startRegistryProxy } from '../../helpers/registry-proxy.js';

const WRONG_PASSWORD = 'not-the-lab-secret-3X';
const auth = (username: string, password: string) =>
  Buffer.from(`${username}:${password}`).toString('base64');

/** The digest the registry gives the tag, asked with the test's own client (the CA and login given). */
const registryDigest = (reference: string): Promise<string> => {
  const [host, port] = AUTH_REGISTRY.split(':');
  const path = reference.slice(AUTH_REGISTRY.length + 1).replace(/:([^:/]+)$/, '/manifests/$1');
  return new Promise((resolve, reject) => {
    request(
      {
        host,
        port,
        method: 'HEAD',
        path: `/v2/${path}`,
        ca: readFileSync(TEST_CA.cert),
        headers: {
          authorization: `Basic ${auth(REGISTRY_USER, REGISTRY_PASSWORD)}`,
          accept:
            'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
        },
      },
      (response) => {
        response.resume();
        resolve(String(response.headers['docker-content-digest']));
      },
    )
      .on('error', reject)
      .end();
  });
};

/**
 * Registries that ask for a login, as the test user on ENGINE: the logins the CLIs keep (Docker's
 * config.json `auths`, `credHelpers`, `credsStore`; Podman's auth files), sent with the engine's
 * pull (X-Registry-Auth) and with GetOnlineManifest (basic and bearer), and the ways they fail.
 * The registry is Debian's docker-registry over TLS with htpasswd logins (scripts/start-network-peers.sh);
 * the engines trust its CA through certs.d, as the bridge does.
 */
describe(`registry logins, on ${ENGINE}`, () => {
  let folder: string;
  let privateImage: string;
  let digest: string;
  const configs: string[] = [];

  /** A Docker config folder (DOCKER_CONFIG) of the caller's with this config.json. */
  const dockerConfig = async (config: unknown): Promise<Record<string, string>> => {
    const dir = await callerTempDir('bst-docker-config-');
    configs.push(dir);
    await writeFile(join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
    await giveToCaller(dir);
    return { DOCKER_CONFIG: dir };
  };

  /** Podman's REGISTRY_AUTH_FILE, as `podman login` writes it. */
  const podmanAuthFile = async (auths: unknown): Promise<Record<string, string>> => {
    const path = join(folder, `auth-${configs.length}.json`);
    configs.push(path);
    await writeFile(path, JSON.stringify({ auths }), { mode: 0o600 });
    await giveToCaller(path);
    return { REGISTRY_AUTH_FILE: path };
  };

  const logins = (password: string) => ({ [AUTH_REGISTRY]: { auth: auth(REGISTRY_USER, password) } });
  /** The engine's own file with this login: config.json for Docker, REGISTRY_AUTH_FILE for Podman. */
  const nativeLogin = (password: string) =>
    ENGINE === 'docker' ? dockerConfig({ auths: logins(password) }) : podmanAuthFile(logins(password));

  const withBridge = async <T>(env: Record<string, string>, use: (bridge: BridgeClient) => Promise<T>) => {
    const bridge = new BridgeClient({ env: { PATH: `${credentialHelpersDir}:${callerPath}`, ...env } });
    try {
      return await use(bridge);
    } finally {
      await bridge.close();
      // No secret in anything the bridge wrote on stderr or sent as a notification.
      for (const text of [bridge.stderr, JSON.stringify(bridge.notifications)]) {
        expect(text).not.toContain(REGISTRY_PASSWORD);
        expect(text).not.toContain(WRONG_PASSWORD);
      }
    }
  };

  const pullsPrivate = async (env: Record<string, string>) => {
    await removeImageQuietly(privateImage);
    const result = await withBridge(env, (bridge) =>
      bridge.call<{ imageSha: string }>('ImportImage', { imageSource: privateImage }),
    );
    expect(result.imageSha).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await engineCli('image', 'inspect', '--format', '{{.Id}}', privateImage)).toContain(
      result.imageSha.slice('sha256:'.length),
    );
    await removeImageQuietly(privateImage);
  };

  /** The call's -32030, with no secret anywhere in it; the same bridge answers the next call. */
  const refused = async (env: Record<string, string>, method: 'ImportImage' | 'GetOnlineManifest') => {
    const response = await withBridge(env, async (bridge) => {
      const answer = await bridge.request(method, { imageSource: privateImage });
      expect(await bridge.call('GetVersion')).toMatchObject({ version: expect.any(String) });
      return answer;
    });
    expect(response.error?.code).toBe(-32030);
    const text = JSON.stringify(response.error);
    expect(text).not.toContain(REGISTRY_PASSWORD);
    expect(text).not.toContain(WRONG_PASSWORD);
    expect(text).not.toContain(auth(REGISTRY_USER, WRONG_PASSWORD));
    return response.error as { message: string; data: { registry?: string; reason: string } };
  };

  beforeAll(async () => {
    folder = await callerTempDir('bst-logins-');
    privateImage = await pushToAuthRegistry(BASE_IMAGE, 'bst/private:1');
    digest = await registryDigest(privateImage);
  });

  afterAll(async () => {
    await removeImageQuietly(privateImage);
    for (const path of configs) await rm(path, { recursive: true, force: true });
    await rm(folder, { recursive: true, force: true });
  });

  it(`pulls with the login in ${ENGINE === 'docker' ? "Docker's config.json (auths)" : "Podman's REGISTRY_AUTH_FILE"}`, async () => {
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    await pullsPrivate(await nativeLogin(REGISTRY_PASSWORD));
  });

  it("asks a credential helper of the user's (credHelpers), with the registry on its stdin", async () => {
    const store = await writeCredentialStore({
      [AUTH_REGISTRY]: { username: REGISTRY_USER, secret: REGISTRY_PASSWORD },
    });
    try {
      const config = await dockerConfig({ credHelpers: { [AUTH_REGISTRY]: 'bst-test' } });
      await pullsPrivate({ ...config, ...store.env });
      const manifest = await withBridge({ ...config, ...store.env }, (bridge) =>
        bridge.call('GetOnlineManifest', { imageSource: privateImage }),
      );
      expect(manifest).toEqual({ manifestSha: digest });
      expect(store.calls()).toEqual([
        { verb: 'get', server: AUTH_REGISTRY },
        { verb: 'get', server: AUTH_REGISTRY },
      ]);
    } finally {
      await store.remove();
    }
  });

  it("GetOnlineManifest logs in where the registry asks (basic), with Podman's or Docker's file", async () => {
    for (const env of [
      await dockerConfig({ auths: logins(REGISTRY_PASSWORD) }),
      await podmanAuthFile(logins(REGISTRY_PASSWORD)),
    ]) {
      const result = await withBridge(env, (bridge) =>
        bridge.call('GetOnlineManifest', { imageSource: privateImage }),
      );
      expect(result).toEqual({ manifestSha: digest });
    }
  });

  it('a wrong password is -32030 naming the registry, the user and the file, never the secret', async () => {
    const env = await nativeLogin(WRONG_PASSWORD);
    const file = env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : env.REGISTRY_AUTH_FILE;
    for (const method of ['ImportImage', 'GetOnlineManifest'] as const) {
      const error = await refused(env, method);
      expect(error.message).toContain(`${AUTH_REGISTRY} refused the login of ${REGISTRY_USER} from ${file}`);
      expect(error.data.registry).toBe(AUTH_REGISTRY);
    }
    expect(await engineCli('images', '--format', '{{.Repository}}')).not.toContain('bst/private');
  });

  it('no login at all says where the bridge looked and how to log in', async () => {
    const env = await dockerConfig({ auths: {} });
    for (const method of ['ImportImage', 'GetOnlineManifest'] as const) {
      const error = await refused({ ...env, REGISTRY_AUTH_FILE: join(folder, 'none.json') }, method);
      expect(error.message).toContain(`${AUTH_REGISTRY} asks for a login, and none for it was found`);
      expect(error.message).toMatch(/Log in with `(docker|podman) login 169\.254\.216\.1:5443`/);
    }
  });

  it('a credential helper that is missing, fails or answers garbage is a clear -32030', async () => {
    const cases = [
      ['bst-missing', 'docker-credential-bst-missing ('],
      ['bst-failing', 'failed (exit code 3: error: keychain locked)'],
      ['bst-garbage', 'did not answer with the JSON login credential helpers give'],
    ] as const;
    for (const [helper, words] of cases) {
      // Docker's file names one helper for all (credsStore); Podman's only per registry.
      const env =
        ENGINE === 'docker'
          ? { ...(await dockerConfig({ credsStore: helper })), REGISTRY_AUTH_FILE: join(folder, 'none.json') }
          : { REGISTRY_AUTH_FILE: join(folder, `${helper}.json`) };
      if (ENGINE === 'podman') {
        await writeFile(env.REGISTRY_AUTH_FILE, JSON.stringify({ credHelpers: { [AUTH_REGISTRY]: helper } }));
        await giveToCaller(env.REGISTRY_AUTH_FILE);
      }
      for (const method of ['ImportImage', 'GetOnlineManifest'] as const) {
        const error = await refused(env, method);
        expect(error.message).toContain(`The login for ${AUTH_REGISTRY} could not be read`);
        expect(error.message).toContain(words);
        expect(error.message).not.toContain('not json');
      }
    }
  });

  it("a bearer token service gets the login (Docker Hub's flow), and an identity token by refresh grant", async () => {
    const front = await startRegistryProxy({
      port: 5002,
      tokenLogin: {
        username: REGISTRY_USER,
        password: REGISTRY_PASSWORD,
        identityToken: 'lab-refresh-token',
      },
    });
    const image = `${front.host}/bst/busybox:1`;
    try {
      const env = await dockerConfig({
        auths: {
          [front.host]: { auth: auth(REGISTRY_USER, REGISTRY_PASSWORD) },
        },
      });
      await removeImageQuietly(image);
      const pulled = await withBridge(env, (bridge) =>
        bridge.call<{ imageSha: string }>('ImportImage', { imageSource: image }),
      );
      expect(pulled.imageSha).toMatch(/^sha256:/);
      expect(front.logins).toContain(REGISTRY_USER);
      expect(front.logins).not.toContain('anonymous');
      const loopbackDigest = await withBridge({}, (bridge) =>
        bridge.call<{ manifestSha: string }>('GetOnlineManifest', { imageSource: REGISTRY_IMAGE }),
      );
      front.logins.length = 0;
      expect(
        await withBridge(env, (bridge) => bridge.call('GetOnlineManifest', { imageSource: image })),
      ).toEqual(loopbackDigest);
      expect(front.logins).toEqual([REGISTRY_USER]);
      const token = await dockerConfig({ auths: { [front.host]: { identitytoken: 'lab-refresh-token' } } });
      front.logins.length = 0;
      expect(
        await withBridge(token, (bridge) => bridge.call('GetOnlineManifest', { imageSource: image })),
      ).toEqual(loopbackDigest);
      expect(front.logins).toEqual(['identity-token']);
      // The engine gets the identity token in X-Registry-Auth and uses it the same way.
      await removeImageQuietly(image);
      front.logins.length = 0;
      const byToken = await withBridge(token, (bridge) =>
        bridge.call<{ imageSha: string }>('ImportImage', { imageSource: image }),
      );
      expect(byToken.imageSha).toBe(pulled.imageSha);
      expect(front.logins).toContain('identity-token');
      expect(front.logins).not.toContain('anonymous');
      const wrong = await dockerConfig({
        auths: { [front.host]: { auth: auth(REGISTRY_USER, WRONG_PASSWORD) } },
      });
      const error = await withBridge(wrong, (bridge) =>
        bridge.request('GetOnlineManifest', { imageSource: image }),
      );
      expect(error.error?.code).toBe(-32030);
      expect(error.error?.message).toContain(`${front.host} refused the login of ${REGISTRY_USER}`);
      expect(JSON.stringify(error.error)).not.toContain(WRONG_PASSWORD);
    } finally {
      await removeImageQuietly(image);
      await front.close();
    }
  });
});
