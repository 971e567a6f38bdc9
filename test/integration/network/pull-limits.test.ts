import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, engineCli, removeImageQuietly } from '../../helpers/engine-cli.js';
import { STALL_SECONDS } from '../../helpers/margins.js';
import { callerTempDir, giveToCaller } from '../../helpers/paths.js';
import { type RegistryProxy, startRegistryProxy } from '../../helpers/registry-proxy.js';

const HOUR = 3600;

/**
 * A registry at Docker Hub's pull limit: a front of the tests' own in front of the loopback
 * registry answers manifests 429 with Docker Hub's headers and body, on a port Podman pulls
 * from over plain http. The engine's pull and GetOnlineManifest each say what the limit is,
 * when it resets and that logging in raises it.
 */
describe(`a registry's pull limit, on ${ENGINE}`, () => {
  let front: RegistryProxy;
  let image: string;
  let folder: string;

  beforeAll(async () => {
    front = await startRegistryProxy({
      port: 5001,
      tokenGate: true,
      rateLimit: { limit: 100, windowSeconds: 6 * HOUR, retryAfterSeconds: HOUR, loggedInPasses: false },
    });
    image = `${front.host}/bst/busybox:1`;
    folder = await callerTempDir('bst-limits-');
  });

  afterAll(async () => {
    await front.close();
    await removeImageQuietly(image);
    await rm(folder, { recursive: true, force: true });
  });

  const call = async (env: Record<string, string>, method: 'ImportImage' | 'GetOnlineManifest') => {
    // Podman retries a 429 for a minute without a word: the bridge asks the registry once the pull stalls.
    const bridge = new BridgeClient({
      env: {
        DOCKER_CONFIG: folder,
        REGISTRY_AUTH_FILE: join(folder, 'auth.json'),
        BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS),
        ...env,
      },
    });
    try {
      return await bridge.request(method, { imageSource: image });
    } finally {
      await bridge.close();
    }
  };

  it('says the limit was reached, its figures, when it resets, and that logging in raises it', async () => {
    for (const method of ['ImportImage', 'GetOnlineManifest'] as const) {
      const { error } = await call({}, method);
      expect(error?.code).toBe(-32030);
      expect(error?.message).toMatch(
        new RegExp(
          `^Could not (pull|get the manifest of) .*${front.host}.*: ${front.host} answered that a pull limit was reached \\(HTTP 429 Too Many Requests\\) \\(100 pulls per 6 h, 0 left\\)\\. It resets in (59|60) min \\(at \\d\\d:\\d\\d UTC\\)\\. Logging in raises it`,
        ),
      );
      expect(error?.data).toMatchObject({
        registry: front.host,
        rateLimit: { limit: 100, windowSeconds: 6 * HOUR, remaining: 0 },
      });
      const { rateLimit } = (error as { data: { rateLimit: { resetAt: string } } }).data;
      const resetAt = Date.parse(rateLimit.resetAt);
      expect(Math.abs(resetAt - Date.now() - HOUR * 1000)).toBeLessThan(5 * 60_000);
    }
    expect(await engineCli('images', '--format', '{{.Repository}}')).not.toContain(
      `${front.host}/bst/busybox`,
    );
  });

  it("with a login, says it is the account's limit", async () => {
    await writeFile(
      join(folder, 'config.json'),
      JSON.stringify({ auths: { [front.host]: { auth: Buffer.from('lab:pw-9').toString('base64') } } }),
    );
    await writeFile(join(folder, 'auth.json'), JSON.stringify({ auths: {} }));
    await giveToCaller(folder);
    const { error } = await call({ REGISTRY_AUTH_FILE: join(folder, 'config.json') }, 'GetOnlineManifest');
    expect(error?.code).toBe(-32030);
    expect(error?.message).toContain('This is the limit of the account logged in');
    expect(JSON.stringify(error)).not.toContain('pw-9');
  });
});
