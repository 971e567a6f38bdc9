import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionJudge } from '../../../src/leftovers/session-judge.js';
import { markTempFolder, pruneTempFolders } from '../../../src/leftovers/temp-folders.js';
import { repoRoot } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';
import {
  endedSession,
  fill,
  type SessionParts,
  sessionOf,
  sessionPlaceholders,
} from '../../helpers/sessions.js';

const MARK = '.bst-containers-session';
const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/leftovers/${name}`, 'utf8');

/** A stand-in for a private Podman service: its command line names its folder, as Podman's does. */
const startService = async (folder: string, onSigterm: 'exit' | 'ignore') => {
  const script = `process.on('SIGTERM', () => { ${onSigterm === 'exit' ? 'process.exit(0);' : ''} });
    console.log('ready'); setInterval(() => {}, 60_000);`;
  const service = spawn(process.execPath, ['-e', script, `unix://${folder}/podman.sock`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = once(service, 'exit');
  await once(service.stdout, 'data');
  return { service, exited };
};

describe('temporary folders', () => {
  let root: string;
  let ended: SessionParts & { session: string };
  const services: ChildProcess[] = [];

  const folderWith = (name: string, mark?: string) => {
    const folder = join(root, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'image.tar'), 'partial');
    if (mark !== undefined) writeFileSync(join(folder, MARK), mark);
    return folder;
  };

  beforeAll(async () => {
    ended = await endedSession();
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bst-leftovers-'));
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    for (const service of services.splice(0)) service.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('marks a folder with format 1, this process as its session, and a service PID if any', async () => {
    const download = folderWith('bst-containers-download-x');
    await markTempFolder(download);
    expect(readFileSync(join(download, MARK), 'utf8')).toBe(
      `{"format":1,"session":"${sessionOf(process.pid).session}"}`,
    );
    const podman = folderWith('bst-containers-podman-x');
    await markTempFolder(podman, 4242);
    expect(readFileSync(join(podman, MARK), 'utf8')).toBe(
      `{"format":1,"session":"${sessionOf(process.pid).session}","servicePid":4242}`,
    );
  });

  it("today's download mark (no format) of a bridge that no longer runs: listed, then removed", async () => {
    const folder = folderWith(
      'bst-containers-download-old',
      fill(fixture('download-mark.txt'), sessionPlaceholders(ended)),
    );
    expect(await pruneTempFolders([root], true)).toEqual({ folders: [folder], servicePids: [] });
    expect(existsSync(folder)).toBe(true);
    expect(await pruneTempFolders([root], false)).toEqual({ folders: [folder], servicePids: [] });
    expect(existsSync(folder)).toBe(false);
  });

  it('a format 1 mark of a bridge that no longer runs: removed', async () => {
    const folder = folderWith('bst-containers-download-new', `{"format":1,"session":"${ended.session}"}`);
    expect(await pruneTempFolders([root], false)).toEqual({ folders: [folder], servicePids: [] });
    expect(existsSync(folder)).toBe(false);
  });

  it("today's Podman mark: its service is asked to end (SIGTERM), then the folder removed", async () => {
    const folder = join(root, 'bst-containers-podman-old');
    const { service, exited } = await startService(folder, 'exit');
    services.push(service);
    folderWith(
      'bst-containers-podman-old',
      fill(fixture('podman-mark.txt'), { ...sessionPlaceholders(ended), SERVICE_PID: service.pid as number }),
    );
    expect(await pruneTempFolders([root], true)).toEqual({ folders: [folder], servicePids: [service.pid] });
    expect(isRunning(service.pid as number)).toBe(true);
    expect(await pruneTempFolders([root], false)).toEqual({ folders: [folder], servicePids: [service.pid] });
    expect(await exited).toEqual([0, null]);
    expect(existsSync(folder)).toBe(false);
  });

  it('a service that ignores SIGTERM is killed once its grace is over', async () => {
    const folder = join(root, 'bst-containers-podman-stubborn');
    const { service, exited } = await startService(folder, 'ignore');
    services.push(service);
    folderWith(
      'bst-containers-podman-stubborn',
      `{"format":1,"session":"${ended.session}","servicePid":${service.pid}}`,
    );
    expect(await pruneTempFolders([root], false)).toEqual({ folders: [folder], servicePids: [service.pid] });
    expect(await exited).toEqual([null, 'SIGKILL']);
    expect(existsSync(folder)).toBe(false);
  });

  it('a PID that is no longer the service (another command line) is not signalled', async () => {
    const { service } = await startService(join(root, 'elsewhere'), 'exit');
    services.push(service);
    const folder = folderWith(
      'bst-containers-podman-reused',
      fill(fixture('podman-mark.txt'), { ...sessionPlaceholders(ended), SERVICE_PID: service.pid as number }),
    );
    expect(await pruneTempFolders([root], false)).toEqual({ folders: [folder], servicePids: [] });
    expect(isRunning(service.pid as number)).toBe(true);
  });

  it('a newer format is left alone, its service too, even of a bridge that no longer runs', async () => {
    const folder = join(root, 'bst-containers-podman-newer');
    const { service } = await startService(folder, 'exit');
    services.push(service);
    folderWith(
      'bst-containers-podman-newer',
      `{"format":2,"session":"${ended.session}","servicePid":${service.pid}}`,
    );
    folderWith('bst-containers-download-newer', `{"format":"2","session":"${ended.session}"}`);
    expect(await pruneTempFolders([root], false)).toEqual({ folders: [], servicePids: [] });
    expect(existsSync(folder)).toBe(true);
    expect(existsSync(join(root, 'bst-containers-download-newer'))).toBe(true);
    expect(isRunning(service.pid as number)).toBe(true);
  });

  it("a running bridge's, another host's, an unmarked or an unreadable folder is kept", async () => {
    const running = spawn('sleep', ['600'], { stdio: 'ignore' });
    services.push(running);
    await once(running, 'spawn');
    const live = sessionOf(running.pid as number);
    const kept = [
      folderWith('bst-containers-live', fill(fixture('download-mark.txt'), sessionPlaceholders(live))),
      folderWith(
        'bst-containers-elsewhere',
        fill(fixture('download-mark.txt'), sessionPlaceholders({ ...ended, host: `not-${ended.host}` })),
      ),
      folderWith('bst-containers-unmarked'),
      folderWith('bst-containers-torn', `{"session":"${ended.session}`),
      folderWith('bst-containers-bad-pid', `{"session":"${ended.session}","servicePid":"1"}`),
    ];
    const otherName = join(root, 'not-ours');
    mkdirSync(otherName);
    writeFileSync(join(otherName, MARK), `{"session":"${ended.session}"}`);
    expect(await pruneTempFolders([root], false)).toEqual({ folders: [], servicePids: [] });
    for (const folder of [...kept, otherName]) expect(existsSync(folder)).toBe(true);
  });

  it('inside a Slurm job, the mark names the job and its cluster', async () => {
    vi.stubEnv('SLURM_JOB_ID', '4242');
    vi.stubEnv('SLURM_CLUSTER_NAME', 'bst-test');
    const scratch = folderWith('bst-containers-scratch-x');
    await markTempFolder(scratch);
    expect(JSON.parse(readFileSync(join(scratch, MARK), 'utf8'))).toEqual({
      format: 1,
      session: sessionOf(process.pid).session,
      slurmJob: '4242',
      slurmCluster: 'bst-test',
    });
  });

  it("another host's folder of a job that is over: removed, and no PID of this host is signalled", async () => {
    const folder = join(root, 'bst-containers-scratch-elsewhere');
    // A process of this host under the PID the other host's mark names: not that host's service.
    const { service } = await startService(folder, 'exit');
    services.push(service);
    const mark = (job: string) =>
      `{"format":1,"session":"not-${ended.host}/${service.pid}/1","servicePid":${service.pid},"slurmJob":"${job}"}`;
    folderWith('bst-containers-scratch-elsewhere', mark('7'));
    const running = folderWith('bst-containers-scratch-running', mark('8'));
    const judge = new SessionJudge(
      async (_, args) => ({
        exitCode: 0,
        stdout: args.includes('7') ? '7 COMPLETED\n' : '8 RUNNING\n',
        stderr: '',
      }),
      {},
    );
    expect(await pruneTempFolders([root], false, judge)).toEqual({ folders: [folder], servicePids: [] });
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(isRunning(service.pid as number)).toBe(true);
  });
});
