import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  type InstanceRecord,
  instanceRecordText,
  readInstanceRecord,
  readSifRecord,
  type SifRecord,
  sifRecordText,
} from '../../leftovers/sif-store-records.js';
import { markTempFolder, TEMP_PREFIX } from '../../leftovers/temp-folders.js';

export type { InstanceRecord, SifRecord };

/** The SIF folder the bridge owns: BST_CONTAINERS_APPTAINER_CACHE, else the user's cache folder. */
export const defaultSifFolder = (env: NodeJS.ProcessEnv = process.env): string =>
  env.BST_CONTAINERS_APPTAINER_CACHE ||
  join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bst-containers', 'apptainer');

/**
 * Where pulls and builds write their SIF: in the store, so that it is moved under its name by a
 * rename, and `prune` looks there for what a bridge that exited mid-build left.
 */
export const scratchRoot = (sifFolder: string): string => join(resolve(sifFolder), 'tmp');

export const sha256OfFile = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
};

/** One file per name: readable, and unique even when two names differ only in `/` and `_`. */
const fileNameFor = (name: string) =>
  `${name.replace(/[/:@]/g, '_')}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}.sif`;

/** A name no other writer uses: this process, this moment, and chance. */
const uniqueSuffix = () => `${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`;

/**
 * Several bridges may share one store (Brainstorm sessions, Slurm jobs on a shared file system):
 * every file appears whole, by a rename from a temp name in the same folder.
 */
const writeAtomically = async (path: string, text: string) => {
  const temp = `${path}.${uniqueSuffix()}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
};

export class SifStore {
  /** Absolute, as `instance list` names SIFs: a relative BST_CONTAINERS_APPTAINER_CACHE would never match. */
  readonly folder: string;

  constructor(folder: string) {
    this.folder = resolve(folder);
  }

  pathFor(name: string): string {
    return join(this.folder, fileNameFor(name));
  }

  /**
   * A path for a SIF being built, in a folder of its own marked with this bridge's session: a
   * bridge that exits mid-build leaves it (its exit contract gives the build a SIGTERM, not the
   * time to finish), and `prune` removes it once that bridge no longer runs. `register` moves the
   * SIF under its name.
   */
  async scratchPath(): Promise<string> {
    const root = scratchRoot(this.folder);
    await mkdir(root, { recursive: true });
    const folder = await mkdtemp(join(root, `${TEMP_PREFIX}scratch-`));
    try {
      await markTempFolder(folder);
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
    return join(folder, 'image.sif');
  }

  /** Removes what a pull or build left in its scratch folder: all of it after a failure or a cancel. */
  async discardScratch(scratch: string): Promise<void> {
    await rm(dirname(scratch), { recursive: true, force: true });
  }

  async list(): Promise<SifRecord[]> {
    const entries = await readdir(this.folder).catch(() => [] as string[]);
    const records: SifRecord[] = [];
    for (const entry of entries.filter((file) => file.endsWith('.sif.json'))) {
      const record = readSifRecord(await readFile(join(this.folder, entry), 'utf8').catch(() => ''));
      if (record && (await stat(record.file).catch(() => undefined))) records.push(record);
    }
    return records.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Moves a built SIF under `name` (replacing what had that name) and records its hash. */
  async register(builtPath: string, name: string): Promise<SifRecord> {
    await mkdir(this.folder, { recursive: true });
    const file = this.pathFor(name);
    await rename(builtPath, file);
    return this.record(name, file, await sha256OfFile(file));
  }

  /** Gives an existing SIF one more name: a hard link, or a copy across file systems. */
  async addName(existing: SifRecord, name: string): Promise<SifRecord> {
    const file = this.pathFor(name);
    if (file === existing.file) return existing;
    const temp = `${file}.${uniqueSuffix()}.tmp`;
    try {
      await link(existing.file, temp).catch(() => copyFile(existing.file, temp));
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
    }
    return this.record(name, file, existing.sha256);
  }

  async removeName(record: SifRecord): Promise<void> {
    await rm(`${record.file}.json`, { force: true });
    await rm(record.file, { force: true });
  }

  /** By image ID: `sha256:` and all or the first of its hex digits. */
  async findById(idPrefix: string): Promise<SifRecord[]> {
    return (await this.list()).filter((record) => record.sha256.startsWith(idPrefix));
  }

  /** By `name:tag`, as the engine lists it. */
  async findByName(nameTag: string): Promise<SifRecord[]> {
    return (await this.list()).filter((record) => record.name === nameTag);
  }

  async saveInstance(record: InstanceRecord): Promise<void> {
    await mkdir(join(this.folder, 'instances'), { recursive: true });
    await writeAtomically(join(this.folder, 'instances', `${record.name}.json`), instanceRecordText(record));
  }

  async loadInstance(name: string): Promise<InstanceRecord | undefined> {
    const text = await readFile(join(this.folder, 'instances', `${name}.json`), 'utf8').catch(
      () => undefined,
    );
    return text ? readInstanceRecord(text) : undefined;
  }

  async forgetInstance(name: string): Promise<void> {
    await rm(join(this.folder, 'instances', `${name}.json`), { force: true });
  }

  private async record(name: string, file: string, sha256: string): Promise<SifRecord> {
    const record: SifRecord = { name, sha256, file };
    await writeAtomically(`${file}.json`, sifRecordText(record));
    return record;
  }
}
