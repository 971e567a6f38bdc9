import { statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { ENGINE, engineCli, engineCliOk, imageIdOf, removeImageQuietly } from '../helpers/engine-cli.js';
import { type FileServer, startFileServer } from '../helpers/file-server.js';
import {
  BASE_IMAGE,
  callerTempDir,
  NESTED_IMAGE,
  NESTED_TARBALL,
  NESTED_TARBALL_GZ,
  REGISTRY_IMAGE,
  REGISTRY_NESTED_IMAGE,
} from '../helpers/paths.js';

const TAG = 'brainstorm_import-test';
const UNIQUE_IMAGE = 'bst-test/unique:1';

describe(`ImportImage, GetImages and RemoveImage on ${ENGINE}`, () => {
  let bridge: BridgeClient;
  let server: FileServer;
  let tempRoot: string;

  beforeAll(async () => {
    tempRoot = await callerTempDir('bst-import-temp-');
    bridge = new BridgeClient({ env: { BST_CONTAINERS_TMPDIR: tempRoot } });
    server = await startFileServer({ 'nested.tar': NESTED_TARBALL, 'nested.tar.gz': NESTED_TARBALL_GZ });
  });

  beforeEach(async () => {
    for (const name of [TAG, NESTED_IMAGE, REGISTRY_IMAGE, REGISTRY_NESTED_IMAGE])
      await removeImageQuietly(name);
  });

  afterAll(async () => {
    await bridge.close();
    await server.close();
    await rm(tempRoot, { recursive: true, force: true });
  });

  it('loads a tarball from a URL whose image name contains "/" (a seed defect), with no temp file', async () => {
    const { imageSha } = await bridge.call<{ imageSha: string }>('ImportImage', {
      imageSource: server.url('nested.tar'),
      imageTag: TAG,
      progressToken: 'dl',
    });
    expect(imageSha).toBe(await imageIdOf(BASE_IMAGE));
    expect(await imageIdOf(`${TAG}:latest`)).toBe(imageSha);
    expect(await engineCliOk('image', 'inspect', NESTED_IMAGE)).toBe(false);
    expect(await readdir(tempRoot)).toEqual([]);
    const progress = bridge.notificationsFor('dl', '$/progress').map((n) => n.params.value);
    const size = statSync(NESTED_TARBALL).size;
    expect(progress[0]).toEqual({
      kind: 'begin',
      title: `Downloading ${server.url('nested.tar')}`,
      cancellable: true,
      bytes: 0,
      totalBytes: size,
      percentage: 0,
    });
    expect(progress.at(-1)).toEqual({ kind: 'end', message: `Downloaded ${size} bytes` });
  });

  it('loads a gzipped tarball from a local path, keeping its name when no tag is asked', async () => {
    const { imageSha } = await bridge.call<{ imageSha: string }>('ImportImage', [NESTED_TARBALL_GZ]);
    expect(await imageIdOf(NESTED_IMAGE)).toBe(imageSha);
  });

  it('keeps the name the image arrived with when it existed before the call', async () => {
    await engineCli('tag', BASE_IMAGE, NESTED_IMAGE);
    expect(await bridge.call('ImportImage', [NESTED_TARBALL, TAG])).toEqual({
      imageSha: await imageIdOf(BASE_IMAGE),
    });
    expect(await engineCliOk('image', 'inspect', NESTED_IMAGE)).toBe(true);
    expect(await engineCliOk('image', 'inspect', `${TAG}:latest`)).toBe(true);
  });

  it('pulls a nested name from the loopback registry with progress, and lists its digest', async () => {
    const { imageSha } = await bridge.call<{ imageSha: string }>('ImportImage', {
      imageSource: REGISTRY_NESTED_IMAGE,
      progressToken: 7,
    });
    expect(imageSha).toBe(await imageIdOf(REGISTRY_NESTED_IMAGE));
    const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
    const row = imageList.find((entry) => entry[0] === REGISTRY_NESTED_IMAGE);
    expect(row?.slice(0, 2)).toEqual([REGISTRY_NESTED_IMAGE, imageSha]);
    // The engine's own record of the repository's digest (Podman may list two: either will do).
    const repoDigests = await engineCli(
      'image',
      'inspect',
      '--format',
      '{{json .RepoDigests}}',
      REGISTRY_NESTED_IMAGE,
    );
    const digests = (JSON.parse(repoDigests) as string[])
      .filter((entry) => entry.startsWith('localhost:5000/bst/tools/busybox@'))
      .map((entry) => entry.split('@')[1]);
    expect(digests).toContain(row?.[2]);
    const kinds = bridge
      .notificationsFor(7, '$/progress')
      .map((n) => (n.params.value as { kind: string }).kind);
    expect([kinds[0], kinds.at(-1)]).toEqual(['begin', 'end']);
  });

  it('lists an untagged image as <none>:<none>, like docker images', async () => {
    await engineCli('create', '--name', 'bst_untagged-source', BASE_IMAGE);
    const untagged = await engineCli('commit', 'bst_untagged-source');
    await engineCli('rm', 'bst_untagged-source');
    const id = untagged.startsWith('sha256:') ? untagged : `sha256:${untagged}`;
    try {
      const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
      expect(imageList.filter((row) => row[1] === id)).toEqual([['<none>:<none>', id, '<none>']]);
      expect(imageList.every((row) => row.length === 3 && row.every((cell) => cell !== ''))).toBe(true);
    } finally {
      await removeImageQuietly(id);
    }
  });

  it('answers clear errors for a missing tarball, a missing tag and a URL that is not there', async () => {
    const file = await bridge.request('ImportImage', ['/nonexistent/image.tar']);
    expect(file.error?.code).toBe(-32032);
    expect(file.error?.message).toContain('/nonexistent/image.tar');
    const tag = await bridge.request('ImportImage', ['localhost:5000/bst/busybox:no-such-tag']);
    expect(tag.error?.code).toBe(-32030);
    expect(tag.error?.message).toContain('localhost:5000/bst/busybox:no-such-tag');
    const url = await bridge.request('ImportImage', [server.url('missing.tar')]);
    expect(url.error?.message).toContain('HTTP 404');
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it('a download cut half-way is an error and leaves no temp file', async () => {
    const cut = await startFileServer({ 'nested.tar': NESTED_TARBALL }, { cutAfterBytes: 100_000 });
    const response = await bridge.request('ImportImage', [cut.url('nested.tar')]);
    await cut.close();
    expect(response.error?.code).toBe(-32031);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it('RemoveImage refuses an image in use unless forced', async () => {
    await engineCli('create', '--name', 'bst_remove-source', BASE_IMAGE);
    await engineCli('commit', 'bst_remove-source', UNIQUE_IMAGE);
    await engineCli('rm', 'bst_remove-source');
    await engineCli('create', '--name', 'bst_remove-test', UNIQUE_IMAGE);
    try {
      const refused = await bridge.request('RemoveImage', { imageSha: UNIQUE_IMAGE });
      expect(refused.error?.code).toBe(-32012);
      expect(refused.error?.message).toContain('isForced');
      expect(await bridge.call('RemoveImage', { imageSha: UNIQUE_IMAGE, isForced: true })).toEqual({});
      expect(await engineCliOk('image', 'inspect', UNIQUE_IMAGE)).toBe(false);
    } finally {
      await engineCli('rm', '-f', 'bst_remove-test');
    }
  });

  it('RemoveImage by image ID', async () => {
    await engineCli('create', '--name', 'bst_remove-source', BASE_IMAGE);
    await engineCli('commit', 'bst_remove-source', UNIQUE_IMAGE);
    await engineCli('rm', 'bst_remove-source');
    const id = await imageIdOf(UNIQUE_IMAGE);
    expect(await bridge.call('RemoveImage', [id])).toEqual({});
    expect(await engineCliOk('image', 'inspect', id)).toBe(false);
  });
});
