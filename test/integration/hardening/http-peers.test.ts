import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import {
  ENGINE,
  ENGINE_LOCATION,
  engineCliOk,
  imageIdOf,
  removeImageQuietly,
} from '../../helpers/engine-cli.js';
import { HttpPeer, head } from '../../helpers/http-peer.js';
import { MARGIN_MS, STALL_SECONDS } from '../../helpers/margins.js';
import {
  BASE_IMAGE,
  imageIdFile,
  NESTED_IMAGE,
  NESTED_TARBALL,
  TINY_TARBALL_GZ,
  UNIQUE_TARBALL,
} from '../../helpers/paths.js';
import { type PeerCase, peerCases, wholeAnswer } from '../../helpers/peer-cases.js';

const IMPORTS = 100;

describe(`URL imports into ${ENGINE} from HTTP peers that misbehave`, () => {
  let bridge: BridgeClient;
  let tempRoot: string;
  let peer: HttpPeer;
  let elsewhere: HttpPeer;
  let unique: Buffer;
  let tiny: Buffer;
  let uniqueId: string;
  let tinyId: string;

  beforeAll(async () => {
    tempRoot = await mkdtemp(join(tmpdir(), 'bst-peer-temp-'));
    bridge = new BridgeClient({
      env: { BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS), BST_CONTAINERS_TMPDIR: tempRoot },
    });
    [unique, tiny] = await Promise.all([readFile(UNIQUE_TARBALL), readFile(TINY_TARBALL_GZ)]);
    [uniqueId, tinyId] = await Promise.all([
      readFile(imageIdFile(UNIQUE_TARBALL), 'utf8'),
      readFile(imageIdFile(TINY_TARBALL_GZ), 'utf8'),
    ]);
    peer = await HttpPeer.start();
    elsewhere = await HttpPeer.start(wholeAnswer(unique));
  });

  afterAll(async () => {
    await bridge.close();
    await Promise.all([peer.close(), elsewhere.close()]);
    await rm(tempRoot, { recursive: true, force: true });
  });

  it(`survives ${IMPORTS} imports from a server that closes the connection after the body (HTTP/1.0)`, async () => {
    const tarball = await readFile(NESTED_TARBALL);
    // As Python's http.server answers: HTTP/1.0, a length, the body as fast as it goes, then FIN.
    peer.playing(async (socket) => {
      socket.write(head('200 OK', { 'content-length': tarball.length }, '1.0'));
      socket.end(tarball);
      return undefined;
    });
    const baseId = await imageIdOf(BASE_IMAGE);
    for (let round = 1; round <= IMPORTS; round++) {
      const response = await bridge.request('ImportImage', [peer.url('/busybox.tar')]);
      expect(response.error, `import ${round}`).toBeUndefined();
      expect(response.result).toEqual({ imageSha: baseId });
    }
    expect(bridge.child.exitCode).toBeNull();
    expect(bridge.stderr).toBe('');
    await removeImageQuietly(NESTED_IMAGE);
  });

  const check = async (peerCase: PeerCase) => {
    const expectedId = peerCase.small ? tinyId : uniqueId;
    await removeImageQuietly(expectedId);
    peer.playing(peerCase.play);
    const started = performance.now();
    const response = await bridge.request('ImportImage', [peer.url('/image.tar')]);
    const ms = performance.now() - started;
    peer.dropAll();
    expect(ms, JSON.stringify(response)).toBeLessThan(STALL_SECONDS * 1000 + MARGIN_MS);
    if (peerCase.outcome === 'whole') {
      expect(response.error).toBeUndefined();
      expect(response.result).toEqual({ imageSha: expectedId });
      await removeImageQuietly(expectedId);
    } else {
      expect(response.error?.code).toBe(-32031);
      expect(response.error?.message).toMatch(/^Could not download http:\/\/127\.0\.0\.1:\d+\/image\.tar: /);
      if (peerCase.outcome === 'cut-unseen') {
        expect((response.error?.data as { engineMessage?: string } | undefined)?.engineMessage).toMatch(/\S/);
      }
      expect(await engineCliOk('image', 'inspect', expectedId)).toBe(false);
    }
    expect(await readdir(tempRoot)).toEqual([]);
    // The bridge goes on serving, with nothing to say on stderr.
    expect(bridge.child.exitCode).toBeNull();
    expect(await bridge.call('GetEngine', [])).toEqual({ engineName: ENGINE, location: ENGINE_LOCATION });
    expect(bridge.stderr).toBe('');
  };

  // A placeholder list for the names; the bodies are read in beforeAll.
  for (const peerCase of peerCases(Buffer.alloc(2), Buffer.alloc(1), '')) {
    it(`${peerCase.name}: ${peerCase.outcome === 'whole' ? 'imported' : 'a download error'}`, async () => {
      const real = peerCases(unique, tiny, elsewhere.url('/image.tar')).find(
        (each) => each.name === peerCase.name,
      );
      await check(real as PeerCase);
    });
  }
});
