import { createHash } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { imageIdOf } from '../../helpers/engine-cli.js';
import { asCaller, BASE_IMAGE, bridgeCommand, giveToCaller } from '../../helpers/paths.js';
import {
  type Certificates,
  makeCertificates,
  removeCertificates,
  TlsEngine,
  type TlsEngineKind,
} from '../../helpers/tls-engine.js';

// Docker's secured remote setup, as the Docker CLI reaches it (docker/cli v29.7.2: cli/flags/options.go,
// cli/context/docker/load.go), against endpoints of the tests' own in front of the real dockerd:
// what a refused endpoint gets is nothing, and the bridge that was refused keeps serving.
describe('Docker over TCP with TLS', () => {
  let certificates: Certificates;
  let good: TlsEngine;
  const engines: TlsEngine[] = [];
  const start = async (kind: TlsEngineKind) => {
    const engine = await TlsEngine.start(kind);
    engines.push(engine);
    return engine;
  };
  /** A TLS endpoint requiring a client certificate signed by the tests' CA, with `server`'s certificate. */
  const withServerCertificate = (server: keyof Certificates) =>
    start({ tls: certificates[server] as { cert: string; key: string }, ca: certificates.ca.cert });
  /** As a user of the Docker CLI sets it: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH. */
  const tlsEnv = (
    engine: TlsEngine,
    certPath = certificates.clientFolder,
    extra: NodeJS.ProcessEnv = {},
  ) => ({
    DOCKER_HOST: engine.host,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: certPath,
    ...extra,
  });

  /**
   * The error GetEngine gets, named as Docker (auto-detect would go on to Podman). The same bridge
   * then answers again: the same error, and a call that needs no engine.
   */
  const refusal = async (env: NodeJS.ProcessEnv) => {
    const bridge = new BridgeClient({ env });
    try {
      const first = await bridge.request('GetEngine', ['docker']);
      expect(first.error?.code).toBe(-32002);
      const again = await bridge.request('GetEngine', ['docker']);
      expect(again.error?.message).toBe(first.error?.message);
      expect(await bridge.call('GetVersion')).toHaveProperty('version');
      return first.error?.message ?? '';
    } finally {
      await bridge.close();
    }
  };

  /** Nothing was passed on to the engine, though the bridge did reach the endpoint. */
  /** GetEngine through a bridge with `env`: the engine, at `host`. */
  const answersAt = async (env: NodeJS.ProcessEnv, host: string) => {
    const bridge = new BridgeClient({ env });
    try {
      expect(await bridge.call('GetEngine', ['docker'])).toEqual({ engineName: 'docker', location: host });
    } finally {
      await bridge.close();
    }
  };

  const nothingReachedTheEngine = (engine: TlsEngine) => {
    expect(engine.connections()).toBeGreaterThan(0);
    expect(engine.forwarded()).toBe(0);
    expect(engine.bytesForwarded()).toBe(0);
  };

  beforeAll(async () => {
    certificates = await makeCertificates();
    good = await withServerCertificate('server');
  });

  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    if (certificates) await removeCertificates(certificates);
  });

  it('a good certificate: the engine answers through it, verified, with the client certificate', async () => {
    const bridge = new BridgeClient({ env: tlsEnv(good) });
    try {
      expect(await bridge.call('GetEngine', ['docker'])).toEqual({
        engineName: 'docker',
        location: good.host,
      });
      const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
      expect(imageList).toContainEqual([BASE_IMAGE, await imageIdOf(BASE_IMAGE), '<none>']);
      const missing = await bridge.request('GetContainerInfo', ['bst_no-such-container']);
      expect(missing.error?.message).toBe('No container named bst_no-such-container exists.');
    } finally {
      await bridge.close();
    }
    expect(good.forwarded()).toBeGreaterThan(0);
  });

  it('doctor shows the tcp:// address', async () => {
    const doctor = asCaller([...bridgeCommand, 'doctor'], tlsEnv(good));
    const result = await execa(doctor.file, doctor.args, {
      env: doctor.env,
      extendEnv: false,
      cwd: doctor.cwd,
      reject: false,
    });
    expect(result.stdout).toMatch(
      new RegExp(`docker: answering\\n {2}program: .*\\n {2}location: tcp://127\\.0\\.0\\.1:${good.port}\\n`),
    );
  });

  it('a server certificate from another CA: refused before anything is sent, naming the CA file', async () => {
    const other = await withServerCertificate('otherCaServer');
    expect(await refusal(tlsEnv(other))).toBe(
      `Docker is not answering at ${other.host}: its TLS certificate is not signed by the CA in ${certificates.clientFolder}/ca.pem (unable to verify the first certificate, UNABLE_TO_VERIFY_LEAF_SIGNATURE), so nothing was sent to it. Check that this ca.pem, in the certificate folder ${certificates.clientFolder} (DOCKER_CERT_PATH, else ~/.docker), is the CA that signed the engine's certificate.`,
    );
    nothingReachedTheEngine(other);
  });

  it('a self-signed server certificate, one for another name, an expired one: each refused by its cause', async () => {
    const selfSigned = await withServerCertificate('selfSignedServer');
    expect(await refusal(tlsEnv(selfSigned))).toContain(
      `its TLS certificate is self-signed, not signed by the CA in ${certificates.clientFolder}/ca.pem (self-signed certificate, DEPTH_ZERO_SELF_SIGNED_CERT)`,
    );
    nothingReachedTheEngine(selfSigned);
    const wrongName = await withServerCertificate('wrongNameServer');
    expect(await refusal(tlsEnv(wrongName))).toContain(
      "its TLS certificate is not for this address (IP: 127.0.0.1 is not in the cert's list, ERR_TLS_CERT_ALTNAME_INVALID), so nothing was sent to it. Reach it by a name its certificate holds",
    );
    nothingReachedTheEngine(wrongName);
    const expired = await withServerCertificate('expiredServer');
    expect(await refusal(tlsEnv(expired))).toContain(
      'its TLS certificate has expired (certificate has expired, CERT_HAS_EXPIRED), so nothing was sent to it. Renew',
    );
    nothingReachedTheEngine(expired);
  });

  it('no client certificate for a server that requires one: says so, and where to put it', async () => {
    const before = { connections: good.connections(), forwarded: good.forwarded() };
    expect(await refusal(tlsEnv(good, certificates.caOnlyFolder))).toBe(
      `Docker is not answering at ${good.host}: it requires a client certificate and none was sent (tlsv13 alert certificate required, ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED). Put a client certificate signed by the engine's CA, and its key, as cert.pem and key.pem in the certificate folder ${certificates.caOnlyFolder} (DOCKER_CERT_PATH, else ~/.docker).`,
    );
    expect(good.connections()).toBeGreaterThan(before.connections);
    expect(good.forwarded()).toBe(before.forwarded);
  });

  it('a client certificate the server refuses (Node closes without an alert): names the certificate', async () => {
    const before = { connections: good.connections(), forwarded: good.forwarded() };
    expect(await refusal(tlsEnv(good, certificates.foreignClientFolder))).toBe(
      `Docker is not answering at ${good.host}: it closed the connection: it may have stopped, or refuse the client certificate ${certificates.foreignClientFolder}/cert.pem. Start it again, or check that the CA the engine trusts signed that certificate, then retry.`,
    );
    expect(good.connections()).toBeGreaterThan(before.connections);
    expect(good.forwarded()).toBe(before.forwarded);
  });

  it('a plaintext engine: refused, verified or encrypt-only, never spoken to in plain HTTP', async () => {
    const plaintext = await start({ plaintext: true });
    const notTls = `Docker is not answering at ${plaintext.host}: it does not speak TLS on this port (wrong version number, ERR_SSL_WRONG_VERSION_NUMBER), and the bridge never falls back to plain HTTP. Use the engine's TLS port (Docker's usual one is 2376), or, if this engine is really unencrypted, unset DOCKER_TLS_VERIFY and DOCKER_TLS.`;
    expect(await refusal(tlsEnv(plaintext))).toBe(notTls);
    expect(
      await refusal(tlsEnv(plaintext, certificates.clientFolder, { DOCKER_TLS_VERIFY: '', DOCKER_TLS: '1' })),
    ).toBe(notTls);
    nothingReachedTheEngine(plaintext);
    // The same endpoint does serve plain HTTP, when TLS is not asked for.
    await answersAt(
      { DOCKER_HOST: plaintext.host, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' },
      plaintext.host,
    );
    expect(plaintext.forwarded()).toBeGreaterThan(0);
  });

  it('DOCKER_TLS without DOCKER_TLS_VERIFY: encrypted, the server not verified', async () => {
    const other = await withServerCertificate('otherCaServer');
    await answersAt(
      tlsEnv(other, certificates.clientFolder, { DOCKER_TLS_VERIFY: '', DOCKER_TLS: '1' }),
      other.host,
    );
    expect(other.forwarded()).toBeGreaterThan(0);
  });

  it('a missing ca.pem is named, and nothing is even connected', async () => {
    const empty = join(certificates.root, 'empty');
    await mkdir(empty);
    await giveToCaller(empty);
    const before = good.connections();
    expect(await refusal(tlsEnv(good, empty))).toBe(
      `Docker cannot be reached at ${good.host} over TLS: ${empty}/ca.pem cannot be read (it does not exist). DOCKER_TLS_VERIFY or DOCKER_TLS asks for TLS with ca.pem (and cert.pem, key.pem) from the certificate folder ${empty} (DOCKER_CERT_PATH, else ~/.docker): put the engine's files there, or point DOCKER_CERT_PATH at the folder that has them.`,
    );
    expect(good.connections()).toBe(before);
  });

  describe("a Docker context's TLS files", () => {
    let config: string;
    /** A context as `docker context create` stores it: meta.json, and the TLS folder when `files`. */
    const addContext = async (
      name: string,
      endpoint: Record<string, unknown>,
      files: Record<string, string>,
    ) => {
      const id = createHash('sha256').update(name).digest('hex');
      const meta = join(config, 'contexts/meta', id);
      await mkdir(meta, { recursive: true });
      await writeFile(
        join(meta, 'meta.json'),
        JSON.stringify({ Name: name, Endpoints: { docker: endpoint } }),
      );
      const tls = join(config, 'contexts/tls', id, 'docker');
      await mkdir(tls, { recursive: true });
      for (const [file, from] of Object.entries(files)) await copyFile(from, join(tls, file));
      await giveToCaller(config);
      return tls;
    };
    const contextEnv = (name: string) => ({
      DOCKER_CONFIG: config,
      DOCKER_CONTEXT: name,
      DOCKER_HOST: '',
      DOCKER_TLS_VERIFY: '',
      DOCKER_CERT_PATH: '',
    });
    const client = () => ({
      'cert.pem': join(certificates.clientFolder, 'cert.pem'),
      'key.pem': join(certificates.clientFolder, 'key.pem'),
    });

    beforeAll(async () => {
      config = join(certificates.root, 'docker-config');
    });

    it('verified against its ca.pem, with its client certificate', async () => {
      await addContext('lab', { Host: good.host }, { 'ca.pem': certificates.ca.cert, ...client() });
      await answersAt(contextEnv('lab'), good.host);
    });

    // The tests' server sends its CA along (Node's server adds it from its `ca`): an unknown root.
    it("without ca.pem: the system's CAs, which do not know the tests' CA", async () => {
      const before = good.forwarded();
      const folder = await addContext('system-ca', { Host: good.host }, client());
      expect(await refusal(contextEnv('system-ca'))).toContain(
        `its TLS certificate is not signed by a CA this computer trusts (self-signed certificate in certificate chain, SELF_SIGNED_CERT_IN_CHAIN), so nothing was sent to it. Put the CA that signed the engine's certificate as ca.pem in the TLS folder of Docker context "system-ca" (${folder})`,
      );
      expect(good.forwarded()).toBe(before);
    });

    it('SkipTLSVerify: encrypted, the server not verified', async () => {
      const other = await withServerCertificate('otherCaServer');
      await addContext('skip', { Host: other.host, SkipTLSVerify: true }, client());
      await answersAt(contextEnv('skip'), other.host);
      expect(other.forwarded()).toBeGreaterThan(0);
    });
  });
});
