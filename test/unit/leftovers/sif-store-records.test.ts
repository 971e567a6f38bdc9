import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  instanceRecordText,
  newInstanceRecord,
  readInstanceRecord,
  readSifRecord,
  sifRecordText,
} from '../../../src/leftovers/sif-store-records.js';
import { repoRoot } from '../../helpers/paths.js';
import { fill, sessionOf } from '../../helpers/sessions.js';

const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/leftovers/${name}`, 'utf8');
const SHA = 'sha256:4b0d4b34cdac6190bc3c19d2f5519c47df2beec171020853dc518b32ba44457b';
const SIF = {
  name: 'bst-test/busybox:1',
  sha256: SHA,
  file: '/store/bst-test_busybox_1-638e9a64.sif',
};
const INSTANCE = {
  name: 'bst_analysis',
  imageSha: SHA,
  volumes: [['/home/user/data', '/data']] as [string, string][],
};

describe('SIF store records', () => {
  it("reads today's records (no format)", () => {
    expect(readSifRecord(fill(fixture('sif-record.txt'), { STORE: '/store' }))).toEqual(SIF);
    expect(readInstanceRecord(fixture('instance-record.txt'))).toEqual(INSTANCE);
  });

  it('writes format 1, and reads it back', () => {
    const sifText = `{"format":1,"name":"bst-test/busybox:1","sha256":"${SHA}","file":"/store/bst-test_busybox_1-638e9a64.sif"}`;
    const instanceText = `{"format":1,"name":"bst_analysis","imageSha":"${SHA}","volumes":[["/home/user/data","/data"]]}`;
    expect(sifRecordText(SIF)).toBe(sifText);
    expect(instanceRecordText(INSTANCE)).toBe(instanceText);
    expect(readSifRecord(sifText)).toEqual(SIF);
    expect(readInstanceRecord(instanceText)).toEqual(INSTANCE);
  });

  it('does not read a newer format, nor a torn or foreign record', () => {
    expect(readSifRecord(`{"format":2,"name":"a:1","sha256":"${SHA}","file":"/store/a.sif"}`)).toBe(
      undefined,
    );
    expect(readInstanceRecord(`{"format":2,"name":"a","imageSha":"${SHA}","volumes":[]}`)).toBe(undefined);
    expect(readSifRecord(`{"name":"a:1","sha256":"${SHA}","fi`)).toBe(undefined);
    expect(readSifRecord(`{"name":"a:1","sha256":"${SHA}"}`)).toBe(undefined);
    expect(readSifRecord('null')).toBe(undefined);
    expect(readInstanceRecord(`{"name":"a","imageSha":"${SHA}","volumes":[["/only-one"]]}`)).toBe(undefined);
  });

  describe('an instance record of a bridge in a Slurm job', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('keeps the session and the job, and reads them back', () => {
      vi.stubEnv('SLURM_JOB_ID', '4242');
      vi.stubEnv('SLURM_CLUSTER_NAME', 'bst-test');
      const record = newInstanceRecord(INSTANCE);
      const session = sessionOf(process.pid).session;
      expect(record).toEqual({ ...INSTANCE, session, slurmJob: { id: '4242', cluster: 'bst-test' } });
      const text = instanceRecordText(record);
      expect(JSON.parse(text)).toEqual({
        format: 1,
        ...INSTANCE,
        session,
        slurmJob: '4242',
        slurmCluster: 'bst-test',
      });
      expect(readInstanceRecord(text)).toEqual(record);
    });

    it('outside a job: the session alone; a malformed job is read as none', () => {
      vi.stubEnv('SLURM_JOB_ID', '');
      expect(newInstanceRecord(INSTANCE)).toEqual({ ...INSTANCE, session: sessionOf(process.pid).session });
      expect(
        readInstanceRecord(`{"format":1,"name":"a","imageSha":"${SHA}","volumes":[],"slurmJob":"1;2"}`),
      ).toEqual({ name: 'a', imageSha: SHA, volumes: [] });
    });
  });
});
