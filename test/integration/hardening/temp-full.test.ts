import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadToTemp } from '../../../src/download/download-to-temp.js';
import { noProgress } from '../../../src/shared/work-context.js';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { imageIdOf } from '../../helpers/engine-cli.js';
import { type FileServer, startFileServer } from '../../helpers/file-server.js';
import { BASE_IMAGE, NESTED_IMAGE, NESTED_TARBALL } from '../../helpers/paths.js';

/** A 256 KiB tmpfs: the 2 MB image tarball cannot fit. */
const TINY_TEMP = '/run/bst-containers-test/tiny-temp';

describe('the temp folder full', () => {
  let files: FileServer;

  beforeAll(async () => {
    mkdirSync(TINY_TEMP, { recursive: true });
    await execa('umount', [TINY_TEMP], { reject: false });
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', TINY_TEMP]);
    files = await startFileServer({ 'nested.tar': NESTED_TARBALL });
  });

  afterAll(async () => {
    await files?.close();
    await execa('umount', [TINY_TEMP], { reject: false });
  });

  // Apptainer builds its SIF from a file: the one engine whose URL import goes through temp.
  it('a download that does not fit fails with what to do, and leaves nothing in temp', async () => {
    const failure = await downloadToTemp(
      files.url('nested.tar'),
      noProgress,
      new AbortController().signal,
      TINY_TEMP,
    )
      .then(() => undefined)
      .catch((error: Error) => error);
    expect(failure).toMatchObject({
      code: -32031,
      message: expect.stringContaining(
        `no space left in ${TINY_TEMP} for it. Free space there, or set BST_CONTAINERS_TMPDIR`,
      ),
    });
    expect(readdirSync(TINY_TEMP)).toEqual([]);
  });

  it('Docker and Podman imports from a URL stream into the engine: a full temp does not stop them', async () => {
    writeFileSync(`${TINY_TEMP}/filler`, Buffer.alloc(256 * 1024));
    const bridge = new BridgeClient({ env: { BST_CONTAINERS_TMPDIR: TINY_TEMP } });
    try {
      const baseId = await imageIdOf(BASE_IMAGE);
      expect(await bridge.call('ImportImage', [files.url('nested.tar')])).toEqual({ imageSha: baseId });
      const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
      expect(imageList.find(([name]) => name === NESTED_IMAGE)?.slice(0, 2)).toEqual([NESTED_IMAGE, baseId]);
    } finally {
      await bridge.close();
    }
    expect(readdirSync(TINY_TEMP)).toEqual(['filler']);
  });
});
