import { readsFormat, SIF_STORE_FORMAT } from './format.js';

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
}

export const sifRecordText = (record: SifRecord): string =>
  JSON.stringify({ format: SIF_STORE_FORMAT, ...record });

export const instanceRecordText = (record: InstanceRecord): string =>
  JSON.stringify({ format: SIF_STORE_FORMAT, ...record });

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
  const { name, imageSha, volumes } = record;
  const isVolumes = (value: unknown): value is InstanceRecord['volumes'] =>
    Array.isArray(value) &&
    value.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(isString));
  return isString(name) && isString(imageSha) && isVolumes(volumes) ? { name, imageSha, volumes } : undefined;
};
