import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadToTemp } from '../../../src/download/download-to-temp.js';
import { noProgress } from '../../../src/shared/work-context.js';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { HttpPeer, head, KEEP, type Play, send } from '../../helpers/http-peer.js';
import { MARGIN_MS, STALL_SECONDS } from '../../helpers/margins.js';
import { UNIQUE_TARBALL } from '../../helpers/paths.js';
import { type PeerCase, peerCases, wholeAnswer } from '../../helpers/peer-cases.js';

// The engine-free outbound paths: the download to a temp file that Apptainer builds from, and
// GetOnlineManifest with its token flow. The URL import into Docker and Podman is http-peers.test.ts.

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const caseNames = peerCases(Buffer.alloc(2), Buffer.alloc(1), '');

/** Runs `action`; every case must end within the stall time plus the margin. */
const timed = async <T>(action: () => Promise<T>, describeResult: (result: T) => string) => {
  const started = performance.now();
  const result = await action();
  expect(performance.now() - started, describeResult(result)).toBeLessThan(STALL_SECONDS * 1000 + MARGIN_MS);
  return result;
};

describe('the download to a temp file (Apptainer builds its SIF from it)', () => {
  let previousStall: string | undefined;
  let tempRoot: string;
  let peer: HttpPeer;
  let elsewhere: HttpPeer;
  let body: Buffer;
  const small = Buffer.from(`${'{"small":true}'.padEnd(900, ' ')}\n`);

  beforeAll(async () => {
    previousStall = process.env.BST_CONTAINERS_STALL_SECONDS;
    process.env.BST_CONTAINERS_STALL_SECONDS = String(STALL_SECONDS);
    tempRoot = await mkdtemp(join(tmpdir(), 'bst-download-peers-'));
    body = await readFile(UNIQUE_TARBALL);
    peer = await HttpPeer.start();
    elsewhere = await HttpPeer.start(wholeAnswer(body));
  });

  afterAll(async () => {
    if (previousStall === undefined) delete process.env.BST_CONTAINERS_STALL_SECONDS;
    else process.env.BST_CONTAINERS_STALL_SECONDS = previousStall;
    await Promise.all([peer.close(), elsewhere.close()]);
    await rm(tempRoot, { recursive: true, force: true });
  });

  for (const { name } of caseNames) {
    it(name, async () => {
      const peerCase = peerCases(body, small, elsewhere.url()).find((each) => each.name === name) as PeerCase;
      peer.playing(peerCase.play);
      const settled = await timed(
        () =>
          downloadToTemp(peer.url(), noProgress, new AbortController().signal, tempRoot).then(
            async (file) => ({ bytes: await readFile(file.path), file }),
            (error: { code?: number; message: string }) => ({ error }),
          ),
        (result) =>
          'error' in result ? `${result.error.code} ${result.error.message}` : `${result.bytes.length} bytes`,
      );
      peer.dropAll();
      const expected = peerCase.small ? small : body;
      if (peerCase.outcome === 'whole') {
        expect('bytes' in settled && settled.bytes.equals(expected)).toBe(true);
      } else if (peerCase.outcome === 'cut-unseen') {
        // Nothing in HTTP tells a close-delimited body was cut: fewer bytes arrive, and the
        // build from them is what fails.
        expect('bytes' in settled && settled.bytes.length < expected.length).toBe(true);
        expect('bytes' in settled && expected.subarray(0, settled.bytes.length).equals(settled.bytes)).toBe(
          true,
        );
      } else {
        expect('error' in settled && settled.error).toMatchObject({
          code: -32031,
          message: expect.stringMatching(/^Could not download http:\/\/127\.0\.0\.1:\d+\/image\.tar: /),
        });
      }
      if ('file' in settled) await settled.file.remove();
      expect(await readdir(tempRoot)).toEqual([]);
    });
  }
});

describe('GetOnlineManifest against registries and token services that misbehave', () => {
  let bridge: BridgeClient;
  let registry: HttpPeer;
  let tokens: HttpPeer;
  let elsewhere: HttpPeer;
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: DIGEST, size: 1234 },
        layers: Array.from({ length: 12 }, (_, index) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: `sha256:${String(index).padStart(64, '0')}`,
          size: 1000 + index,
        })),
      },
      null,
      3,
    ),
  );
  const smallManifest = Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [] }));
  const token = Buffer.from(
    JSON.stringify({ token: 'peer-token', expires_in: 300, padding: 'p'.repeat(2000) }),
  );
  const smallToken = Buffer.from(JSON.stringify({ token: 'peer-token' }));

  beforeAll(async () => {
    bridge = new BridgeClient({ env: { BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS) } });
    [registry, tokens, elsewhere] = await Promise.all([HttpPeer.start(), HttpPeer.start(), HttpPeer.start()]);
  });

  afterAll(async () => {
    await bridge.close();
    await Promise.all([registry.close(), tokens.close(), elsewhere.close()]);
  });

  const reference = () => `127.0.0.1:${registry.port}/bst/peer:1`;

  const expectOutcome = (
    response: Awaited<ReturnType<BridgeClient['request']>>,
    outcome: PeerCase['outcome'],
    digest: string,
  ) => {
    if (outcome === 'whole') {
      expect(response.error).toBeUndefined();
      expect(response.result).toEqual({ manifestSha: digest });
    } else {
      // A close-delimited JSON answer cut short does not parse: the bridge sees that cut too.
      expect(response.error).toMatchObject({
        code: -32030,
        message: expect.stringMatching(
          /^Could not get the manifest of 127\.0\.0\.1:\d+\/bst\/peer:1 from its registry: /,
        ),
      });
    }
    expect(bridge.child.exitCode).toBeNull();
    expect(bridge.stderr).toBe('');
  };

  const request = () =>
    timed(
      () => bridge.request('GetOnlineManifest', [reference()]),
      (response) =>
        response.error
          ? `${response.error.code} ${response.error.message}`
          : String(response.result?.manifestSha),
    );

  for (const { name } of caseNames) {
    it(`the manifest's GET (no digest header): ${name}`, async () => {
      const peerCase = peerCases(manifest, smallManifest, elsewhere.url('/v2/bst/peer/manifests/1')).find(
        (each) => each.name === name,
      ) as PeerCase;
      elsewhere.playing(wholeAnswer(manifest));
      // The HEAD answers without Docker-Content-Digest: the bridge must GET the manifest and hash it.
      const play: Play = async (socket, request) => {
        if (request.method !== 'HEAD') return peerCase.play(socket, request);
        await send(
          socket,
          head('200 OK', { 'content-length': manifest.length, 'content-type': 'application/json' }),
        );
        return KEEP;
      };
      registry.playing(play);
      const response = await request();
      registry.dropAll();
      expectOutcome(response, peerCase.outcome, sha256(peerCase.small ? smallManifest : manifest));
    });
  }

  for (const { name } of caseNames) {
    it(`the token service: ${name}`, async () => {
      const peerCase = peerCases(token, smallToken, elsewhere.url('/token')).find(
        (each) => each.name === name,
      ) as PeerCase;
      elsewhere.playing(wholeAnswer(token));
      tokens.playing(peerCase.play);
      registry.playing(async (socket, request) => {
        if (request.headers.authorization !== 'Bearer peer-token') {
          await send(
            socket,
            head('401 Unauthorized', {
              'www-authenticate': `Bearer realm="${tokens.url('/token')}",service="peer",scope="repository:bst/peer:pull"`,
              'content-length': 0,
            }),
          );
          return KEEP;
        }
        await send(socket, head('200 OK', { 'docker-content-digest': DIGEST, 'content-length': 0 }));
        return KEEP;
      });
      const response = await request();
      tokens.dropAll();
      expectOutcome(response, peerCase.outcome, DIGEST);
    });
  }
});
