import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SifStore } from '../../../../src/engines/apptainer/sif-store.js';
import { GIVE_UP_MS } from '../../../helpers/margins.js';
import { repoRoot } from '../../../helpers/paths.js';
import { fill } from '../../../helpers/sessions.js';

const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/leftovers/${name}`, 'utf8');
const SHA = 'sha256:4b0d4b34cdac6190bc3c19d2f5519c47df2beec171020853dc518b32ba44457b';

describe('the SIF store, as an earlier bridge left it', () => {
  let folder: string;
  let store: SifStore;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bst-sif-store-'));
    store = new SifStore(folder);
    // As the bridge left it before records declared a format.
    writeFileSync(join(folder, 'bst-test_busybox_1-638e9a64.sif'), 'not a real SIF');
    writeFileSync(
      join(folder, 'bst-test_busybox_1-638e9a64.sif.json'),
      fill(fixture('sif-record.txt'), { STORE: folder }),
    );
    mkdirSync(join(folder, 'instances'));
    writeFileSync(join(folder, 'instances', 'bst_analysis.json'), fixture('instance-record.txt'));
    // As a newer bridge might write it: kept, neither listed nor removed.
    writeFileSync(join(folder, 'newer-00000000.sif'), 'a newer SIF');
    writeFileSync(
      join(folder, 'newer-00000000.sif.json'),
      `{"format":2,"name":"newer:1","sha256":"${SHA}","file":"${folder}/newer-00000000.sif"}`,
    );
    writeFileSync(
      join(folder, 'instances', 'bst_newer.json'),
      `{"format":2,"name":"bst_newer","imageSha":"${SHA}","volumes":[]}`,
    );
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("lists and finds today's images, and not a newer bridge's", async () => {
    const busybox = {
      name: 'bst-test/busybox:1',
      sha256: SHA,
      file: `${folder}/bst-test_busybox_1-638e9a64.sif`,
    };
    expect(await store.list()).toEqual([busybox]);
    expect(await store.findByName('bst-test/busybox:1')).toEqual([busybox]);
    expect(await store.findById(SHA)).toEqual([busybox]);
    expect(await store.findByName('newer:1')).toEqual([]);
  });

  it("reads today's instance records, and not a newer bridge's", async () => {
    expect(await store.loadInstance('bst_analysis')).toEqual({
      name: 'bst_analysis',
      imageSha: SHA,
      volumes: [['/home/user/data', '/data']],
    });
    expect(await store.loadInstance('bst_newer')).toBe(undefined);
  });

  it("removing today's image by its ID leaves the newer bridge's record and SIF of the same content", async () => {
    for (const record of await store.findById(SHA)) await store.removeName(record);
    expect(await store.list()).toEqual([]);
    expect(readFileSync(join(folder, 'newer-00000000.sif'), 'utf8')).toBe('a newer SIF');
    expect(readFileSync(join(folder, 'newer-00000000.sif.json'), 'utf8')).toContain('"format":2');
  });

  it('records a new name in format 1', async () => {
    const [busybox] = await store.findByName('bst-test/busybox:1');
    await store.addName(busybox as NonNullable<typeof busybox>, 'bst-test/copy:1');
    expect(readFileSync(join(folder, 'bst-test_copy_1-59416f0b.sif.json'), 'utf8')).toBe(
      `{"format":1,"name":"bst-test/copy:1","sha256":"${SHA}","file":"${folder}/bst-test_copy_1-59416f0b.sif"}`,
    );
  });
});

describe('one SIF store, many bridges importing into it at once', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bst-sif-store-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  // Point 14: Brainstorm sessions, or Slurm jobs on a shared file system, import the same image
  // into one store while others look it up. A record written in place is empty, then whole: a
  // reader in between would find no image. Enough writers and readers make that moment happen.
  it(
    'a reader finds the image at every moment once it is in, and no import fails',
    async () => {
      const NAME = 'bst-test/busybox:1';
      const WRITERS = 8;
      const READERS = 4;
      /** Lookups made while the writers keep importing: a count of work, not a time. */
      const LOOKUPS = 1000;
      const importOnce = async (store: SifStore) => {
        const scratch = await store.scratchPath();
        writeFileSync(scratch, 'the same SIF');
        await store.register(scratch, NAME);
        await store.discardScratch(scratch);
      };
      await importOnce(new SifStore(folder));
      const lookups: number[] = [];
      const going = () => lookups.length < LOOKUPS && !lookups.some((found) => found !== 1);
      const writer = async () => {
        const store = new SifStore(folder);
        while (going()) await importOnce(store);
      };
      const reader = async () => {
        const store = new SifStore(folder);
        while (going()) lookups.push((await store.findByName(NAME)).length);
      };
      await Promise.all([
        ...Array.from({ length: WRITERS }, writer),
        ...Array.from({ length: READERS }, reader),
      ]);
      expect(lookups.filter((found) => found !== 1)).toEqual([]);
      expect(await new SifStore(folder).list()).toHaveLength(1);
      expect(
        readdirSync(folder).filter((entry) => !/\.sif(\.json)?$/.test(entry) && entry !== 'tmp'),
      ).toEqual([]);
      expect(readdirSync(join(folder, 'tmp'))).toEqual([]);
    },
    GIVE_UP_MS,
  );
});
