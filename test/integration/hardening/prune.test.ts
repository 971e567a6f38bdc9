import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import {
  ENGINE,
  engineCli,
  engineCliOk,
  labelledSleeper,
  removeContainer,
} from '../../helpers/engine-cli.js';
import {
  asCaller,
  BASE_IMAGE,
  bridgeCommand,
  callerTempDir,
  giveToCaller,
  repoRoot,
} from '../../helpers/paths.js';
import { withRemoteEngine } from '../../helpers/remote-engine.js';
import { fill, type SessionParts, sessionOf, sessionPlaceholders } from '../../helpers/sessions.js';

const NAMES = [
  'bst_prune-dead',
  'bst_prune-today',
  'bst_prune-newer',
  'bst_prune-live',
  'bst_prune-foreign',
  'bst_prune-elsewhere',
];
const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/leftovers/${name}`, 'utf8');

/** The labels as the bridge set them before it declared a format. */
const todaysLabels = (parts: SessionParts) =>
  JSON.parse(fill(fixture('container-labels.json'), sessionPlaceholders(parts))) as Record<string, string>;

describe('prune', () => {
  let tempRoot: string;
  let live: BridgeClient;
  let dead: SessionParts & { session: string };
  let deadFolder: string;
  let keptFolders: string[];

  const folderWith = (name: string, mark?: string) => {
    const folder = join(tempRoot, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'image.tar'), 'partial');
    if (mark !== undefined) writeFileSync(join(folder, '.bst-containers-session'), mark);
    return folder;
  };

  beforeAll(async () => {
    for (const name of NAMES) await removeContainer(name);
    tempRoot = await callerTempDir('bst-prune-');
    const env = { BST_CONTAINERS_TMPDIR: tempRoot };

    // A bridge that dies with a container running and a download half-way (MATLAB crashed).
    const doomed = new BridgeClient({ env });
    await doomed.call('RunContainer', {
      containerName: 'bst_prune-dead',
      imageSha: BASE_IMAGE,
      isDaemon: true,
    });
    dead = sessionOf(doomed.child.pid as number);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    // What a bridge of before formats left, as it wrote it: its labels and its download's mark.
    await labelledSleeper('bst_prune-today', todaysLabels(dead));
    deadFolder = folderWith(
      'bst-containers-download-dead',
      fill(fixture('download-mark.txt'), sessionPlaceholders(dead)),
    );
    // What a newer bridge left, in a format this bridge does not know: not for it to remove.
    await labelledSleeper('bst_prune-newer', {
      ...todaysLabels(dead),
      'org.brainstorm.bst-containers.format': '2',
    });

    live = new BridgeClient({ env });
    await live.call('RunContainer', {
      containerName: 'bst_prune-live',
      imageSha: BASE_IMAGE,
      isDaemon: true,
    });
    await labelledSleeper('bst_prune-foreign', {});
    // Labelled by a bridge on another host (a shared engine): whether it still runs cannot be told.
    await labelledSleeper(
      'bst_prune-elsewhere',
      todaysLabels({ host: 'other-host', pid: 1234, start: '5678' }),
    );
    keptFolders = [
      folderWith(
        'bst-containers-download-live',
        fill(fixture('download-mark.txt'), sessionPlaceholders(sessionOf(live.child.pid as number))),
      ),
      folderWith('bst-containers-not-marked'),
      folderWith('bst-containers-elsewhere', '{"session":"other-host/1234/5678"}'),
      folderWith('bst-containers-download-newer', `{"format":2,"session":"${dead.session}"}`),
    ];
    // As the bridge's caller would have them: its own leftovers.
    await giveToCaller(tempRoot);
  });

  afterAll(async () => {
    await live?.close();
    for (const name of NAMES) await removeContainer(name);
    rmSync(tempRoot, { recursive: true, force: true });
  });

  /** What Prune found of this test's own (the engine and /tmp are shared with other suites). */
  const ours = (result: Record<string, unknown>) => ({
    containers: (result.containers as [string, string][])
      .filter(([, name]) => NAMES.includes(name))
      .sort(([, a], [, b]) => a.localeCompare(b)),
    tempFolders: (result.tempFolders as string[]).filter((folder) => folder.startsWith(tempRoot)),
  });

  it('labels what it creates with its owner, its session and format 1', async () => {
    const labels = JSON.parse(
      await engineCli('inspect', '--format', '{{json .Config.Labels}}', 'bst_prune-live'),
    ) as Record<string, string>;
    expect(labels['org.brainstorm.bst-containers']).toBe('owner');
    expect(labels['org.brainstorm.bst-containers.session']).toBe(sessionOf(live.child.pid as number).session);
    expect(labels['org.brainstorm.bst-containers.format']).toBe('1');
  });

  it('a dry run lists the dead bridges leftovers, of format 1 and of before formats, and removes nothing', async () => {
    const result = await live.call('Prune', { dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(ours(result)).toEqual({
      containers: [
        [ENGINE, 'bst_prune-dead'],
        [ENGINE, 'bst_prune-today'],
      ],
      tempFolders: [deadFolder],
    });
    for (const name of ['bst_prune-dead', 'bst_prune-today'])
      expect(await engineCliOk('inspect', name)).toBe(true);
    expect(existsSync(deadFolder)).toBe(true);
  });

  it('removes only what bridges that no longer run created, in a format it knows', async () => {
    const result = await live.call('Prune', { engine: ENGINE });
    expect(ours(result)).toEqual({
      containers: [
        [ENGINE, 'bst_prune-dead'],
        [ENGINE, 'bst_prune-today'],
      ],
      tempFolders: [deadFolder],
    });
    for (const name of ['bst_prune-dead', 'bst_prune-today'])
      expect(await engineCliOk('inspect', name)).toBe(false);
    expect(existsSync(deadFolder)).toBe(false);
    for (const name of ['bst_prune-newer', 'bst_prune-live', 'bst_prune-foreign', 'bst_prune-elsewhere'])
      expect(await engineCli('inspect', '--format', '{{.State.Running}}', name)).toBe('true');
    for (const folder of keptFolders) expect(existsSync(folder)).toBe(true);
    // The live bridge's container still works.
    expect((await live.call('ExecInContainer', ['bst_prune-live', 'echo ok'])).cmdout).toBe('ok\n');
  });

  it('bst-containers prune says there is nothing left afterwards', async () => {
    const prune = asCaller(
      [...bridgeCommand, 'prune', '--engine', ENGINE],
      withRemoteEngine({ BST_CONTAINERS_TMPDIR: tempRoot }),
    );
    const { stdout } = await execa(prune.file, prune.args, {
      env: prune.env,
      extendEnv: false,
      cwd: prune.cwd,
    });
    expect(stdout).toBe('Nothing left behind by bridges that no longer run.');
  });
});
