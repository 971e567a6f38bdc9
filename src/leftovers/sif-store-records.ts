import { readsFormat, SIF_STORE_FORMAT } from './format.js';
import { currentSession } from './session.js';
import { currentSlurmJob, readSlurmJob, type SlurmJob } from './slurm-job.js';

/** What the bridge knows of one SIF, kept beside it as `<file>.json`. */
export interface SifRecord {
  name: string;
  sha256: string;
  file: string;
}

/** An Apptainer instance the bridge started, kept as `instances/<name>.json`. */
export interface InstanceRecord {
  name: string;
  imageSha: string;
  volumes: [hostPath: string, containerPath: string][];
  /**
   * The bridge that started it, and its Slurm job, as containers' labels keep them. Absent on
   * records of earlier bridges; new fields an older bridge ignores, so the format stays 1.
   */
  session?: string;
  slurmJob?: SlurmJob;
}

/** What a bridge records of an instance it starts: who started it, and in which job. */
export const newInstanceRecord = (
  record: Pick<InstanceRecord, 'name' | 'imageSha' | 'volumes'>,
): InstanceRecord => {
  const job = currentSlurmJob();
  return { ...record, session: currentSession(), ...(job ? { slurmJob: job } : {}) };
};

export const sifRecordText = (record: SifRecord): string =>
  JSON.stringify({ format: SIF_STORE_FORMAT, ...record });

export const instanceRecordText = ({ slurmJob, ...record }: InstanceRecord): string =>
  JSON.stringify({
    format: SIF_STORE_FORMAT,
    ...record,
    ...(slurmJob ? { slurmJob: slurmJob.id } : {}),
    ...(slurmJob?.cluster ? { slurmCluster: slurmJob.cluster } : {}),
  });

/** The record in a format this bridge reads; anything else (a newer bridge's, a torn write) is left alone. */
const readRecord = (text: string): Record<string, unknown> | undefined => {
  try {
    const record = JSON.parse(text);
    return typeof record === 'object' && record !== null && readsFormat(record.format, SIF_STORE_FORMAT)
      ? record
      : undefined;
  } catch {
    return undefined;
  }
};

const isString = (value: unknown): value is string => typeof value === 'string';

export const readSifRecord = (text: string): SifRecord | undefined => {
  const record = readRecord(text);
  if (!record) return undefined;
  const { name, sha256, file } = record;
  return isString(name) && isString(sha256) && isString(file) ? { name, sha256, file } : undefined;
};

export const readInstanceRecord = (text: string): InstanceRecord | undefined => {
  const record = readRecord(text);
  if (!record) return undefined;
  const { name, imageSha, volumes, session, slurmJob, slurmCluster } = record;
  const isVolumes = (value: unknown): value is InstanceRecord['volumes'] =>
    Array.isArray(value) &&
    value.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(isString));
  if (!isString(name) || !isString(imageSha) || !isVolumes(volumes)) return undefined;
  const job = readSlurmJob(slurmJob, slurmCluster);
  return {
    name,
    imageSha,
    volumes,
    ...(isString(session) ? { session } : {}),
    ...(job ? { slurmJob: job } : {}),
  };
};
