import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, removeImageQuietly } from '../../helpers/engine-cli.js';
import { type FileServer, startFileServer } from '../../helpers/file-server.js';
import {
  AUTH_REGISTRY,
  EXPIRED_SERVER_CERT,
  type KeyPair,
  LOGIN_PROXY,
  PROXY_URL,
  proxyLogMark,
  proxyLogSince,
  pushToAuthRegistry,
  REFUSING_PROXY_URL,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  SERVER_CERT,
  TEST_CA,
  WRONG_NAME_REGISTRY,
} from '../../helpers/network-peers.js';
import {
  asCaller,
  BASE_IMAGE,
  bridgeArgv,
  callerTempDir,
  giveToCaller,
  TINY_TARBALL_GZ,
} from '../../helpers/paths.js';

/** Not loopback: the bridge sends what goes there through a proxy. */
const HOST = '169.254.216.1';
/** A port nothing listens on: a proxy that is not there. */
const NO_PROXY_THERE = 'http://127.0.0.1:9';

/**
 * The bridge's own HTTP (URL downloads, registry manifests, token services) through HTTP_PROXY and
 * HTTPS_PROXY as Go programs take them, never for loopback or NO_PROXY; the proxy is Debian's
 * tinyproxy, whose log shows what went through it. Certificates: the system's store, NODE_EXTRA_CA_CERTS
 * and certs.d are trusted; an unknown CA, an expired certificate and a wrong name are each named.
 */
describe(`proxies and certificate authorities, as the test user on ${ENGINE}`, () => {
  let remote: FileServer;
  let loopback: FileServer;
  let privateImage: string;
  let folder: string;
  let login: Record<string, string>;

  const withBridge = async <T>(env: Record<string, string>, use: (bridge: BridgeClient) => Promise<T>) => {
    const bridge = new BridgeClient({ env: { ...login, ...env } });
    try {
      return await use(bridge);
    } finally {
      await bridge.close();
    }
  };

  const importUrl = (env: Record<string, string>, url: string) =>
    withBridge(env, (bridge) =>
      bridge.request('ImportImage', { imageSource: url, imageTag: 'bst-net/tiny:1' }),
    );
  const manifest = (env: Record<string, string>, imageSource = privateImage) =>
    withBridge(env, (bridge) => bridge.request('GetOnlineManifest', { imageSource }));

  beforeAll(async () => {
    remote = await startFileServer({ 'tiny.tar.gz': TINY_TARBALL_GZ }, { host: HOST });
    loopback = await startFileServer({ 'tiny.tar.gz': TINY_TARBALL_GZ });
    privateImage = await pushToAuthRegistry(BASE_IMAGE, 'bst/private:1');
    folder = await callerTempDir('bst-proxies-');
    const auth = Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64');
    await writeFile(join(folder, 'config.json'), JSON.stringify({ auths: { [AUTH_REGISTRY]: { auth } } }));
    await giveToCaller(folder);
    login = { DOCKER_CONFIG: folder };
  });

  afterAll(async () => {
    await remote.close();
    await loopback.close();
    await removeImageQuietly('bst-net/tiny:1');
    await removeImageQuietly(privateImage);
    await rm(folder, { recursive: true, force: true });
  });

  it('downloads and asks registries through the proxy the environment names, as the log shows', async () => {
    const mark = proxyLogMark();
    const imported = await importUrl({ HTTP_PROXY: PROXY_URL }, remote.url('tiny.tar.gz'));
    expect(imported.error).toBeUndefined();
    const digest = await manifest({ https_proxy: PROXY_URL });
    expect(digest.result).toMatchObject({ manifestSha: expect.stringMatching(/^sha256:/) });
    expect(proxyLogSince(mark)).toEqual([
      `GET ${remote.url('tiny.tar.gz')} HTTP/1.1`,
      `CONNECT ${AUTH_REGISTRY} HTTP/1.1`,
    ]);
  });

  it('never sends loopback addresses, NO_PROXY hosts or the engine through the proxy', async () => {
    const mark = proxyLogMark();
    const all = { HTTP_PROXY: PROXY_URL, HTTPS_PROXY: PROXY_URL };
    expect((await importUrl(all, loopback.url('tiny.tar.gz'))).error).toBeUndefined();
    expect((await manifest({ ...all, NO_PROXY: `example.org,${HOST}` })).error).toBeUndefined();
    expect((await manifest({ ...all, no_proxy: '169.254.0.0/16' })).error).toBeUndefined();
    // The engine's pull uses the engine's proxy settings, not the bridge's: a refusing one changes nothing.
    await removeImageQuietly(privateImage);
    const pulled = await withBridge(
      { HTTPS_PROXY: REFUSING_PROXY_URL, HTTP_PROXY: REFUSING_PROXY_URL },
      (bridge) => bridge.request('ImportImage', { imageSource: privateImage }),
    );
    expect(pulled.error).toBeUndefined();
    expect(proxyLogSince(mark)).toEqual([]);
  });

  it('a proxy that refuses, or is not there, is an error naming the proxy', async () => {
    const refusedHttps = await manifest({ HTTPS_PROXY: REFUSING_PROXY_URL });
    expect(refusedHttps.error?.code).toBe(-32030);
    expect(refusedHttps.error?.message).toContain(
      `the proxy ${REFUSING_PROXY_URL} (HTTPS_PROXY) refused to connect to ${AUTH_REGISTRY} (it answered HTTP 403)`,
    );
    const refusedHttp = await importUrl({ http_proxy: REFUSING_PROXY_URL }, remote.url('tiny.tar.gz'));
    expect(refusedHttp.error?.code).toBe(-32031);
    expect(refusedHttp.error?.message).toContain(
      `the server answered HTTP 403 (through the proxy ${REFUSING_PROXY_URL} (http_proxy))`,
    );
    const absent = await importUrl({ HTTP_PROXY: NO_PROXY_THERE }, remote.url('tiny.tar.gz'));
    expect(absent.error?.code).toBe(-32031);
    expect(absent.error?.message).toContain(`nothing answers at the proxy ${NO_PROXY_THERE} (HTTP_PROXY)`);
    const absentHttps = await manifest({ HTTPS_PROXY: 'http://bst:proxy-pw-5@127.0.0.1:9' });
    expect(absentHttps.error?.message).toContain(
      'nothing answers at the proxy http://bst@127.0.0.1:9 (HTTPS_PROXY)',
    );
    expect(JSON.stringify(absentHttps.error)).not.toContain('proxy-pw-5');
  });

  it('sends the login in the proxy address to the proxy; a missing or wrong one is named, never the password', async () => {
    const { address, user, password } = LOGIN_PROXY;
    const withLogin = `http://${user}:${password}@${address}`;
    expect((await manifest({ HTTPS_PROXY: withLogin })).error).toBeUndefined();
    expect((await importUrl({ HTTP_PROXY: withLogin }, remote.url('tiny.tar.gz'))).error).toBeUndefined();
    const none = await manifest({ HTTPS_PROXY: `http://${address}` });
    expect(none.error?.code).toBe(-32030);
    expect(none.error?.message).toContain(
      `the proxy http://${address} (HTTPS_PROXY) asks for a login (HTTP 407)`,
    );
    const noneHttp = await importUrl({ HTTP_PROXY: `http://${address}` }, remote.url('tiny.tar.gz'));
    expect(noneHttp.error?.code).toBe(-32031);
    expect(noneHttp.error?.message).toContain(
      `the proxy http://${address} (HTTP_PROXY) asks for a login (HTTP 407)`,
    );
    // tinyproxy answers a wrong login 401 where most proxies say 407.
    const wrong = await manifest({ HTTPS_PROXY: `http://${user}:not-it-9@${address}` });
    expect(wrong.error?.message).toContain(
      `the proxy http://${user}@${address} (HTTPS_PROXY) refused the login of ${user} (HTTP 401)`,
    );
    for (const error of [none.error, noneHttp.error, wrong.error]) {
      expect(JSON.stringify(error)).not.toContain(password);
      expect(JSON.stringify(error)).not.toContain('not-it-9');
    }
  });

  it('doctor shows the proxy the bridge uses, never its password', async () => {
    const [file, args] = bridgeArgv('doctor');
    const command = asCaller([file, ...args], {
      HTTPS_PROXY: 'http://bst:proxy-pw-5@127.0.0.1:8888',
      NO_PROXY: '.lab.example',
    });
    const { stdout } = await execa(command.file, command.args, {
      env: command.env,
      cwd: command.cwd,
      reject: false,
      extendEnv: false,
    });
    expect(stdout).toContain('https://:  http://bst:***@127.0.0.1:8888 (HTTPS_PROXY)');
    expect(stdout).toContain('http://:   none (direct)');
    expect(stdout).toContain('no proxy:  loopback addresses and localhost, .lab.example (NO_PROXY)');
    expect(stdout).not.toContain('proxy-pw-5');
  });

  describe('certificates', () => {
    let server: Server;
    let url: string;

    beforeAll(async () => {
      const tarball = readFileSync(TINY_TARBALL_GZ);
      server = createServer(
        { cert: readFileSync(SERVER_CERT.cert), key: readFileSync(SERVER_CERT.key) },
        (_request, response) => {
          response.writeHead(200, { 'content-length': tarball.length }).end(tarball);
        },
      );
      await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
      url = `https://${HOST}:${(server.address() as AddressInfo).port}/tiny.tar.gz`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    // Each new connection gets the pair served now: every test's bridge is a new client.
    const serve = (pair: KeyPair) => {
      server.setSecureContext({ cert: readFileSync(pair.cert), key: readFileSync(pair.key) });
    };

    it("trusts the system's store and NODE_EXTRA_CA_CERTS, and names an unknown CA and what to do", async () => {
      serve(SERVER_CERT);
      const unknown = await importUrl({}, url);
      expect(unknown.error?.code).toBe(-32031);
      expect(unknown.error?.message).toContain('its certificate is not signed by a CA this computer trusts');
      expect(unknown.error?.message).toContain('NODE_EXTRA_CA_CERTS');
      expect((await importUrl({ NODE_EXTRA_CA_CERTS: TEST_CA.cert }, url)).error).toBeUndefined();
      // OpenSSL's store, which SSL_CERT_FILE moves: the system's store as Node 22 reads it on Linux.
      expect((await importUrl({ SSL_CERT_FILE: TEST_CA.cert }, url)).error).toBeUndefined();
      // Through the proxy too: the tunnel's far end is checked the same way.
      const mark = proxyLogMark();
      expect(
        (await importUrl({ HTTPS_PROXY: PROXY_URL, NODE_EXTRA_CA_CERTS: TEST_CA.cert }, url)).error,
      ).toBeUndefined();
      expect(proxyLogSince(mark)).toEqual([`CONNECT ${new URL(url).host} HTTP/1.1`]);
    });

    it('names an expired certificate and a certificate for another name', async () => {
      serve(EXPIRED_SERVER_CERT);
      const expired = await importUrl({ NODE_EXTRA_CA_CERTS: TEST_CA.cert }, url);
      expect(expired.error?.code).toBe(-32031);
      expect(expired.error?.message).toContain('its certificate has expired');
      serve(SERVER_CERT);
      const wrongName = await manifest(
        { NODE_EXTRA_CA_CERTS: TEST_CA.cert },
        `${WRONG_NAME_REGISTRY}/bst/private:1`,
      );
      expect(wrongName.error?.code).toBe(-32030);
      expect(wrongName.error?.message).toContain(`its certificate is not for ${WRONG_NAME_REGISTRY}`);
    });
  });
});
