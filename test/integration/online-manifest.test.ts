import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { REGISTRY_IMAGE } from '../helpers/paths.js';
import { startRegistryProxy } from '../helpers/registry-proxy.js';

describe('GetOnlineManifest asks the registry itself (no buildx)', () => {
  let bridge: BridgeClient;
  let registryDigest: string;

  beforeAll(async () => {
    // What dockerd recorded when it pulled the tag: the digest GetOnlineManifest must match.
    // (GetOnlineManifest asks the registry whatever the engine: Docker's record is the reference.)
    const docker = async (...args: string[]) => (await execa('docker', args)).stdout.trim();
    await docker('pull', REGISTRY_IMAGE);
    const repoDigest = await docker(
      'image',
      'inspect',
      '--format',
      '{{index .RepoDigests 0}}',
      REGISTRY_IMAGE,
    );
    registryDigest = repoDigest.split('@')[1] ?? '';
    await docker('rmi', REGISTRY_IMAGE);
    // Without the CLI plugin the seed returned an empty digest and no error: the bridge needs none.
    bridge = new BridgeClient({ env: { PATH: '/nonexistent' } });
  });

  afterAll(async () => {
    await bridge.close();
  });

  it('answers the digest the registry gives for the tag, over plain http for a loopback registry', async () => {
    expect(registryDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await bridge.call('GetOnlineManifest', [REGISTRY_IMAGE])).toEqual({ manifestSha: registryDigest });
  });

  it('gets an anonymous bearer token when the registry asks for one', async () => {
    const gate = await startRegistryProxy({ tokenGate: true });
    try {
      const result = await bridge.call('GetOnlineManifest', { imageSource: `${gate.host}/bst/busybox:1` });
      expect(result).toEqual({ manifestSha: registryDigest });
      expect(gate.scopes).toEqual(['test-registry repository:bst/busybox:pull']);
    } finally {
      await gate.close();
    }
  });

  it('hashes the manifest itself when the registry gives no digest header', async () => {
    const gate = await startRegistryProxy({ tokenGate: true, stripDigest: true });
    try {
      const result = await bridge.call('GetOnlineManifest', { imageSource: `${gate.host}/bst/busybox:1` });
      expect(result).toEqual({ manifestSha: registryDigest });
    } finally {
      await gate.close();
    }
  });

  it('a missing tag or an unreachable registry is an error, never an empty digest', async () => {
    const missing = await bridge.request('GetOnlineManifest', ['localhost:5000/bst/busybox:no-such-tag']);
    expect(missing.error).toMatchObject({ code: -32030 });
    expect(missing.error?.message).toContain('no such image or tag');
    const unreachable = await bridge.request('GetOnlineManifest', ['localhost:1/bst/busybox:1']);
    expect(unreachable.error?.code).toBe(-32030);
    expect(unreachable.error?.message).toContain('localhost:1/bst/busybox:1');
  });
});
