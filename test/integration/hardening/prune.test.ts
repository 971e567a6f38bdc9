import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, engineCli, engineCliOk, removeContainer } from '../../helpers/engine-cli.js';
import { BASE_IMAGE, bundlePath, runtimeDir } from '../../helpers/paths.js';

const OWNER = 'org.brainstorm.bst-containers';
const SESSION = `${OWNER}.session`;
const MARK = '.bst-containers-session';
const NAMES = ['bst_prune-dead', 'bst_prune-live', 'bst_prune-foreign', 'bst_prune-elsewhere'];

/** A bridge's session as the bridge names itself: host/pid/start time in clock ticks. */
const sessionOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return `${hostname()}/${pid}/${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
};

const markedFolder = (root: string, name: string, session?: string) => {
  const folder = join(root, name);
  mkdirSync(folder);
  writeFileSync(join(folder, 'image.tar'), 'partial');
  if (session) writeFileSync(join(folder, MARK), JSON.stringify({ session }));
  return folder;
};

describe('prune', () => {
  let tempRoot: string;
  let live: BridgeClient;
  let deadFolder: string;
  let keptFolders: string[];

  beforeAll(async () => {
    for (const name of NAMES) await removeContainer(name);
    tempRoot = mkdtempSync(join(runtimeDir, 'prune-'));
    const env = { BST_CONTAINERS_TMPDIR: tempRoot };

    // A bridge that dies with a container running and a download half-way (MATLAB crashed).
    const dead = new BridgeClient({ env });
    await dead.call('RunContainer', {
      containerName: 'bst_prune-dead',
      imageSha: BASE_IMAGE,
      isDaemon: true,
    });
    deadFolder = markedFolder(tempRoot, 'bst-containers-download-dead', sessionOf(dead.child.pid as number));
    dead.child.kill('SIGKILL');
    await dead.exited;

    live = new BridgeClient({ env });
    await live.call('RunContainer', {
      containerName: 'bst_prune-live',
      imageSha: BASE_IMAGE,
      isDaemon: true,
    });
    await engineCli(
      'run',
      '-d',
      '--init',
      '--name',
      'bst_prune-foreign',
      '--entrypoint',
      'sleep',
      BASE_IMAGE,
      '600',
    );
    // Labelled by a bridge on another host (a shared engine): whether it still runs cannot be told.
    await engineCli(
      ...['run', '-d', '--init', '--name', 'bst_prune-elsewhere', '--label', `${OWNER}=owner`],
      ...['--label', `${SESSION}=other-host/1234/5678`, '--entrypoint', 'sleep', BASE_IMAGE, '600'],
    );
    keptFolders = [
      markedFolder(tempRoot, 'bst-containers-download-live', sessionOf(live.child.pid as number)),
      markedFolder(tempRoot, 'bst-containers-not-marked'),
      markedFolder(tempRoot, 'bst-containers-elsewhere', 'other-host/1234/5678'),
    ];
  });

  afterAll(async () => {
    await live?.close();
    for (const name of NAMES) await removeContainer(name);
    rmSync(tempRoot, { recursive: true, force: true });
  });

  it('labels what it creates with its owner and session', async () => {
    const labels = JSON.parse(
      await engineCli('inspect', '--format', '{{json .Config.Labels}}', 'bst_prune-live'),
    ) as Record<string, string>;
    expect(labels[OWNER]).toBe('owner');
    expect(labels[SESSION]).toBe(sessionOf(live.child.pid as number));
  });

  it('a dry run lists the dead bridge leftovers and removes nothing', async () => {
    const result = await live.call('Prune', { dryRun: true });
    expect(result).toMatchObject({ containers: [[ENGINE, 'bst_prune-dead']], dryRun: true });
    expect(result.tempFolders).toContain(deadFolder);
    expect(await engineCliOk('inspect', 'bst_prune-dead')).toBe(true);
    expect(existsSync(deadFolder)).toBe(true);
  });

  it('removes only what bridges that no longer run created', async () => {
    const result = await live.call('Prune', { engine: ENGINE });
    expect(result.containers).toEqual([[ENGINE, 'bst_prune-dead']]);
    expect(result.tempFolders).toEqual([deadFolder]);
    expect(await engineCliOk('inspect', 'bst_prune-dead')).toBe(false);
    expect(existsSync(deadFolder)).toBe(false);
    for (const name of ['bst_prune-live', 'bst_prune-foreign', 'bst_prune-elsewhere'])
      expect(await engineCli('inspect', '--format', '{{.State.Running}}', name)).toBe('true');
    for (const folder of keptFolders) expect(existsSync(folder)).toBe(true);
    // The live bridge's container still works.
    expect((await live.call('ExecInContainer', ['bst_prune-live', 'echo ok'])).cmdout).toBe('ok\n');
  });

  it('bst-containers prune says there is nothing left afterwards', async () => {
    const { stdout } = await execa(process.execPath, [bundlePath, 'prune', '--engine', ENGINE], {
      env: { BST_CONTAINERS_TMPDIR: tempRoot },
    });
    expect(stdout).toBe('Nothing left behind by bridges that no longer run.');
  });
});
