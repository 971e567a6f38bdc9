import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SifStore } from '../../../src/engines/apptainer/sif-store.js';
import type { EngineSelector } from '../../../src/engines/engine-selector.js';
import { prune } from '../../../src/methods/prune.js';
import { createLogger } from '../../../src/shared/logger.js';
import { noProgress } from '../../../src/shared/work-context.js';
import { repoRoot } from '../../helpers/paths.js';
import { endedSession, fill, type SessionParts, sessionPlaceholders } from '../../helpers/sessions.js';

const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/leftovers/${name}`, 'utf8');
const MARK = '.bst-containers-session';

/** No engine answers: what is left to prune is the temp folders and the SIF store's scratch. */
const noEngines = {
  get: async () => {
    throw new Error('no engine here');
  },
} as unknown as EngineSelector;

describe('Prune and the scratch of Apptainer pulls and builds', () => {
  let folder: string;
  let store: string;
  let ended: SessionParts & { session: string };

  const prunes = (dryRun: boolean) =>
    prune.handler({ dryRun, engine: 'auto-detect' } as Parameters<typeof prune.handler>[0], {
      engines: noEngines,
      log: createLogger(false),
      tempRoot: join(folder, 'temp'),
      signal: new AbortController().signal,
      progress: noProgress,
      output: () => undefined,
    });

  /** A scratch folder as a bridge makes it, then marked with `mark` (as that bridge wrote it). */
  const scratchWith = async (mark: string) => {
    const scratch = await new SifStore(store).scratchPath();
    writeFileSync(scratch, 'part of a SIF');
    const scratchFolder = join(scratch, '..');
    writeFileSync(join(scratchFolder, MARK), mark);
    return scratchFolder;
  };

  beforeAll(async () => {
    ended = await endedSession();
  });

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bst-prune-'));
    store = join(folder, 'store');
    mkdirSync(join(folder, 'temp'));
    vi.stubEnv('BST_CONTAINERS_APPTAINER_CACHE', store);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(folder, { recursive: true, force: true });
  });

  it('removes what a bridge that exited mid-build left in the SIF store, and nothing else there', async () => {
    const cutShort = await scratchWith(fill(fixture('download-mark.txt'), sessionPlaceholders(ended)));
    const elsewhere = await scratchWith(
      fill(fixture('download-mark.txt'), sessionPlaceholders({ ...ended, host: 'another-node' })),
    );
    const newer = await scratchWith(JSON.stringify({ format: 2, session: ended.session }));
    const underWay = await new SifStore(store).scratchPath();
    writeFileSync(join(store, 'kept-00000000.sif'), 'an image');

    expect(await prunes(true)).toMatchObject({ tempFolders: [cutShort] });
    expect(existsSync(cutShort)).toBe(true);
    expect(await prunes(false)).toMatchObject({ tempFolders: [cutShort] });
    expect(existsSync(cutShort)).toBe(false);
    expect(existsSync(elsewhere)).toBe(true);
    expect(existsSync(newer)).toBe(true);
    expect(existsSync(join(underWay, '..'))).toBe(true);
    expect(existsSync(join(store, 'kept-00000000.sif'))).toBe(true);
  });
});
